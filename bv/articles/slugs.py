"""ASCII slugs per locale; Macedonian goes through a digraph table first."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify
from sqlalchemy import delete, select

from bv.articles.models import ArticleTranslation, SlugRedirect
from bv.extensions import db

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


def unique_slug(locale: str, text: str, translation_id: int | None = None) -> str:
    """A slug for the locale that no other translation and no redirect uses."""
    base = make_slug(text, locale)
    candidate, n = base, 2
    while True:
        taken = db.session.scalar(
            select(ArticleTranslation.id).where(
                ArticleTranslation.locale == locale,
                ArticleTranslation.slug == candidate,
                ArticleTranslation.id != (translation_id or 0),
            )
        ) or db.session.scalar(
            select(SlugRedirect.id).where(
                SlugRedirect.locale == locale,
                SlugRedirect.old_slug == candidate,
                SlugRedirect.translation_id != (translation_id or 0),
            )
        )
        if not taken:
            return candidate
        candidate, n = f"{base}-{n}", n + 1


def change_slug(translation: ArticleTranslation, new_slug: str) -> None:
    """Move a version to a new address; a published one keeps answering at the old one."""
    old = translation.slug
    if old == new_slug:
        return
    if old and translation.first_published_at is not None:
        db.session.add(
            SlugRedirect(locale=translation.locale, old_slug=old, translation_id=translation.id)
        )
    # a redirect that pointed at the new slug would shadow it
    db.session.execute(
        delete(SlugRedirect).where(
            SlugRedirect.locale == translation.locale, SlugRedirect.old_slug == new_slug
        )
    )
    translation.slug = new_slug


def apply_pending_slug(translation: ArticleTranslation) -> None:
    """An address change that waited for an editor goes live with the text."""
    if translation.pending_slug:
        change_slug(translation, unique_slug(translation.locale, translation.pending_slug,
                                             translation.id))
        translation.pending_slug = None


def tag_slugs(tags, locale: str) -> dict[int, str]:
    """Each tag's address in a locale, unique within it: its name there, else its key.

    Slugs are derived, not stored: on a clash the older tag (lower id) keeps the plain slug
    and the newer gets a number, so an address never moves when a tag is added.
    """
    slugs: dict[int, str] = {}
    taken: set[str] = set()
    for tag in sorted(tags, key=lambda t: t.id):
        name = (tag.names or {}).get(locale)
        base = make_slug(name, locale, max_length=100) if name else tag.key
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        slugs[tag.id] = candidate
    return slugs


@lru_cache(maxsize=1024)
def byline_slug(byline: str) -> str:
    """An author's address, the same in every language (a Cyrillic byline transliterates as
    Macedonian, a Latin one is unchanged). A pure function of the name, remembered: every
    article page links its author, and slugify is its costliest call."""
    return make_slug(byline, "mk", max_length=100)
