"""The lookup engine: which invoices a query names, and why one was not found."""
