"""articles feature."""
