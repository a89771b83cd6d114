"""The terminal user interface: the Textual app, its screens, and the command line."""
