"""The input checklist's checks against the store, the troubleshooting items and their report."""
