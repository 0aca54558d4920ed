"""Sans-IO protocol engines of the reference node."""
