"""The store itself: opening it by URL, its tables and migrations, and the one write path for invoices."""
