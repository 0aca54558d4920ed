"""Gherkin features of the conformance suite, one folder per spec chapter (package data)."""
