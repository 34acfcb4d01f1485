"""The translatable fields of a language version, declared once.

The models size their columns from this, the forms validate against it, the segment editor
holds each segment to it, and sync, history and revisions walk it. Shared fields (category,
byline, tags, lead image) belong to the article and are not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class TranslatableField:
    """One field of ArticleTranslation that each language writes for itself."""

    name: str
    label: object  # a lazy string
    # the segment kind it becomes; None for the body, which splits into blocks
    segment_kind: str | None
    max_length: int
    # one line of text: CR and LF are folded to spaces before it is stored
    single_line: bool = False

    @property
    def segment_key(self) -> str | None:
        """The stable key of the field's segment (the body's blocks get b1, b2, ...)."""
        return self.segment_kind


# in reading order: the segment keys and kinds follow this order
FIELDS = (
    TranslatableField("headline", _l("Headline"), "headline", 200, single_line=True),
    TranslatableField("lede", _l("Lede"), "lede", 500),
    TranslatableField("body", _l("Body"), None, 50_000),
    TranslatableField("image_caption", _l("Image caption"), "caption", 500, single_line=True),
    TranslatableField("image_alt", _l("Image description (alt text)"), "alt", 300,
                      single_line=True),
)
BY_NAME = {f.name: f for f in FIELDS}
FIELD_NAMES = tuple(f.name for f in FIELDS)
# one body block (paragraph, list item, heading, quote); the whole body has its own limit
BODY_BLOCK_MAX = 10_000
# segment kind -> the most characters it may hold; a picture in the body takes the limits of
# the lead image's texts
SEGMENT_LIMITS = {f.segment_kind: f.max_length for f in FIELDS if f.segment_kind}
SEGMENT_LIMITS["figure_caption"] = SEGMENT_LIMITS["caption"]
SEGMENT_LIMITS["figure_alt"] = SEGMENT_LIMITS["alt"]


def max_length(name: str) -> int:
    """The most characters the named field holds."""
    return BY_NAME[name].max_length


def segment_max_length(kind: str) -> int:
    """The most characters a segment of this kind may hold."""
    return SEGMENT_LIMITS.get(kind, BODY_BLOCK_MAX)


def clean(name: str, value: str | None) -> str:
    """The value as stored: stripped, and on one line for single-line fields."""
    text = (value or "").strip()
    if BY_NAME[name].single_line:
        text = " ".join(text.splitlines())
    return text


def values_of(obj) -> dict[str, str]:
    """The translatable fields of a version or revision."""
    return {f.name: getattr(obj, f.name) or "" for f in FIELDS}
