"""Reference implementation of QVCP: sans-IO engines, noise core, network simulator."""
