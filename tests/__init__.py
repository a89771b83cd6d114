"""The test suite: unit/ (no screen, no server, no child process) and functional/."""
