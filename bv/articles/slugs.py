"""ASCII slugs per locale; Macedonian goes through a digraph table first."""

from __future__ import annotations

from slugify import slugify

# python-slugify NFKD-normalizes before transliterating and would drop the "j" of ѓ and ќ
_MK_LOWER = {
    "ѓ": "gj", "ж": "zh", "ѕ": "dz", "ј": "j", "љ": "lj", "њ": "nj",
    "ќ": "kj", "х": "h", "ц": "c", "ч": "ch", "џ": "dzh", "ш": "sh",
}
MK_REPLACEMENTS = [[k, v] for k, v in _MK_LOWER.items()] + [
    [k.upper(), v.capitalize()] for k, v in _MK_LOWER.items()
]

MAX_SLUG_LENGTH = 120


def make_slug(text: str, locale: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """A lower-case ASCII slug for a headline or name in the given locale.

    Cyrillic grows when transliterated, so callers pass their column's length.
    """
    replacements = MK_REPLACEMENTS if locale == "mk" else []
    return slugify(
        text, replacements=replacements, max_length=max_length, word_boundary=True
    ) or "article"
