"""The demo: its throwaway store and realistic invoices."""
