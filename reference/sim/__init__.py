"""Deterministic discrete-event network simulator that drives the reference engines."""
