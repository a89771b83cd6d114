"""The screens: login, lookup, detail, help, and placeholders for what comes later."""
