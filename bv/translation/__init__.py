"""translation feature."""
