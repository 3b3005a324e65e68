"""Benchmarks (not part of the test run); each prints a JSON object on its last line."""
