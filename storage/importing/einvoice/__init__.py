"""The invoice files people receive — OFD, PDF, 数电 XML and ZIP bundles of them — read
safely, merged by source (XML > OFD attachment/XBRL > OFD CustomData > PDF Info > PDF text >
QR) and saved in one transaction. ``import_einvoices`` is the entry point."""

from storage.importing.einvoice.run import import_einvoices

__all__ = ["import_einvoices"]
