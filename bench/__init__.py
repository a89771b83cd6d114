"""Benchmarks: ``python -m bench [NAME …]`` (figures recorded in bench/README.md)."""
