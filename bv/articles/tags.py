"""Tags: naming and renaming them per language (new tags come from `service.find_or_create_tags`)."""

from __future__ import annotations

from sqlalchemy import select

from bv import events
from bv.accounts.permissions import PermissionDenied, can
from bv.articles.models import Tag
from bv.articles.slugs import tag_slugs
from bv.audit.service import record
from bv.extensions import db
from bv.i18n import LOCALES
from bv.text import has_line_break

# a label in a sentence-sized link; its slug is cut to 100 characters in any case
NAME_MAX = 80


class TagClash(Exception):
    """Another tag already shows this name (case-insensitively) in this language."""

    def __init__(self, locale: str):
        super().__init__(f"tag clash: {locale}")
        self.locale = locale


class InvalidTagName(ValueError):
    """A name that is empty, longer than NAME_MAX or more than one line."""

    def __init__(self, locale: str, reason: str):
        super().__init__(f"invalid tag name in {locale}: {reason}")
        self.locale = locale
        self.reason = reason


def _clean(names: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for code, text in names.items():
        if code not in LOCALES:
            raise InvalidTagName(code, "locale")
        if has_line_break(text or ""):
            raise InvalidTagName(code, "line_break")
        text = (text or "").strip()
        if not text:
            raise InvalidTagName(code, "empty")
        if len(text) > NAME_MAX:
            raise InvalidTagName(code, "too_long")
        cleaned[code] = text
    return cleaned


def save_tag(tag: Tag, *, names: dict[str, str], user) -> Tag:
    """Rename a tag: `names` maps locales to their new names (locales left out keep theirs).

    Refuses (PermissionDenied, InvalidTagName, TagClash) before changing anything. Every tag
    address that moves, the renamed tag's or a neighbour's whose numbered slug shifts, is
    announced so that the old one answers with a redirect. Records and flushes; the caller
    commits.
    """
    if not can(user, "manage_categories"):
        raise PermissionDenied("manage_categories")
    cleaned = _clean(names)
    tags = db.session.scalars(select(Tag).order_by(Tag.id)).all()
    current = dict(tag.names or {})
    changed = sorted(code for code, text in cleaned.items() if current.get(code) != text)
    if not changed:
        return tag
    for code in changed:
        wanted = cleaned[code].casefold()
        # what readers see: another tag's name there, or its key when it has none; a name
        # left as it was is not checked, so an old clash never blocks the other languages
        if any(t.id != tag.id and t.name_in(code).casefold() == wanted for t in tags):
            raise TagClash(code)
    before = {code: tag_slugs(tags, code) for code in LOCALES}
    # a new dict: the JSON column does not see edits made in place
    tag.names = {**current, **cleaned}
    db.session.flush()
    moved = []
    for code in LOCALES:
        after = tag_slugs(tags, code)
        moved += [
            (code, before[code][tag_id], slug, tag_id)
            for tag_id, slug in after.items()
            if before[code].get(tag_id) not in (None, slug)
        ]
    record("tag.saved", user=user, detail={"tag": tag.id, "changed": changed})
    if moved:
        events.tag_addresses_moved.send(tag, moved=moved)
    # the tag's page, and every article page that links it, show its name
    events.site_content_changed.send(tag, what="tag")
    return tag
