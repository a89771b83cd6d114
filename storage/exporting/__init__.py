"""Writing invoices and plain tables to XLSX or CSV."""
