"""QVCP conformance harness."""
