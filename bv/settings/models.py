"""Site settings, translated per locale (footer, outlet details) or global (locale '')."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from bv.extensions import db
from bv.text import single_line

# the only settings written over several lines: the About page, as Markdown and as HTML
MULTILINE_SETTINGS = frozenset({"about_markdown", "about_html"})


class SiteSetting(db.Model):
    """One setting value; locale '' marks a value shared by every language."""

    __tablename__ = "site_setting"
    __table_args__ = (UniqueConstraint("key", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(5), default="")
    value: Mapped[str] = mapped_column(Text, default="")

    @validates("key", "value")
    def _one_line(self, name, value):
        """Every other setting is one line (footer, mail, headers); line breaks fold to a space."""
        if name == "value":
            # with no key yet, folding waits for the key (a constructor may give the value first)
            return value if self.key is None or self.key in MULTILINE_SETTINGS else single_line(value)
        if value not in MULTILINE_SETTINGS and self.value is not None:
            self.value = single_line(self.value)
        return value
