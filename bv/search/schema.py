"""What the schema comparison (Alembic autogenerate, the models test) must leave alone."""

from __future__ import annotations

from bv.search.backends import TABLE


def include_name(name, type_, parent_names) -> bool:
    """False for the search index and FTS5's shadow tables: migrations own them, not models."""
    if type_ == "table" and name and (name == TABLE or name.startswith(TABLE + "_")):
        return False
    return True
