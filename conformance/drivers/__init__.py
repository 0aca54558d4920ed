"""Drivers: how the harness talks to an implementation under test."""
