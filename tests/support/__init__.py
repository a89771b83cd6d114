"""Helpers shared by the tests: stores with invoices, disks, screens, mail, PostgreSQL."""
