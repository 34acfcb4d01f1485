"""Writing articles: create, save a language version (with a revision), and what readers see.

`save_translation` is the only writer of a version's text. It records a revision, tells the
rest of the newsroom through `bv.events` (segments, staleness and notifications subscribe
there), and decides whether readers see the new text now or once an editor publishes it.
Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import select

from bv import events
from bv.accounts.permissions import SYSTEM, PermissionDenied, can
from bv.articles import workflow
from bv.articles.fields import FIELD_NAMES, clean, values_of
from bv.articles.models import Article, ArticleTranslation, Revision, Tag
from bv.articles.rendering import count_words, render_body
from bv.articles.revisions import latest_revision_id, latest_revision_number
from bv.articles.slugs import apply_pending_slug, change_slug, make_slug, unique_slug
from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db

TEXT_FIELDS = FIELD_NAMES

__all__ = [
    "EditConflict", "TEXT_FIELDS", "create_article", "find_or_create_tags",
    "get_or_create_translation", "latest_revision_id", "latest_revision_number",
    "restore_revision", "save_translation", "unique_slug",
]


class EditConflict(Exception):
    """Someone else saved this translation since the editor opened it."""

    def __init__(self, translation: ArticleTranslation, submitted: dict):
        super().__init__("edit conflict")
        self.translation = translation
        self.submitted = submitted


def create_article(*, source_locale, category=None, author=None, byline="", tags=()) -> Article:
    """A new story; its source version is added by save_translation."""
    article = Article(
        source_locale=source_locale,
        category=category,
        author=author,
        byline=byline or (author.display_name if author else ""),
        tags=list(tags),
    )
    db.session.add(article)
    db.session.flush()
    return article


def check_version(translation: ArticleTranslation | None, expected_revision: int | None,
                  submitted: dict) -> None:
    """Optimistic locking: EditConflict when someone saved since `expected_revision`."""
    # the content counter: a status change or outdated flag is not a conflict
    if translation is not None and expected_revision is not None:
        if latest_revision_number(translation) != expected_revision:
            raise EditConflict(translation, submitted)


def get_or_create_translation(article: Article, locale: str, *, user,
                              at=None) -> ArticleTranslation:
    """The article's version in `locale`, started as an empty draft when there is none."""
    translation = article.translation(locale)
    if translation is not None:
        if not can(user, "edit", translation):
            raise PermissionDenied("edit")
        return translation
    if not can(user, "start_translation", article, locale=locale):
        raise PermissionDenied("start_translation")
    translation = ArticleTranslation(
        article=article, locale=locale, status="draft", slug="", created_at=at or utcnow()
    )
    db.session.add(translation)
    db.session.flush()
    return translation


def save_translation(
    article: Article,
    locale: str,
    values: dict,
    *,
    user,
    expected_revision: int | None = None,
    minor: bool = False,
    note: str = "",
    slug: str | None = None,
    based_on: Revision | None = None,
    segments_reviewed: bool = False,
    adopt_segments: bool = True,
    at=None,
    via: str | None = None,
    go_live: bool = False,
) -> ArticleTranslation:
    """Save one language version as a new revision.

    `expected_revision` is the revision number the editor started from; when someone saved
    since, EditConflict is raised and nothing is written (optimistic locking). `via` names the
    machine provider(s) when a draft, not a person, wrote the text. `go_live` lets the system
    (an import) put a published version's text online; a person's save goes live only when
    they may publish it and nothing blocks it.
    """
    check_version(article.translation(locale), expected_revision, values)
    now = at or utcnow()
    translation = get_or_create_translation(article, locale, user=user, at=now)
    if based_on is not None:
        translation.source_revision_id = based_on.id
    before = values_of(translation)
    for name in FIELD_NAMES:
        if name in values:
            setattr(translation, name, clean(name, values[name]))
    changed = before != values_of(translation)
    translation.body_html = render_body(translation.body)
    translation.word_count = count_words(translation.headline, translation.lede, translation.body)
    translation.updated_at = now
    person = user is not SYSTEM
    translation.updated_by_id = getattr(user, "id", None) if person else None
    translation.updated_via = None if person else (via or None)
    db.session.flush()
    slug_moved = _update_slug(translation, slug, user=user)

    number = latest_revision_number(translation) + 1
    revision = Revision(
        translation=translation,
        number=number,
        slug=translation.slug,
        minor=minor,
        note=(note or "")[:300],
        author_id=translation.updated_by_id,
        created_at=now,
        **values_of(translation),
    )
    db.session.add(revision)
    db.session.flush()
    # segments, staleness and whoever else cares react inside this transaction
    events.translation_saved.send(
        translation, user=user, revision=revision, changed=changed, minor=minor,
        adopt=adopt_segments or locale == article.source_locale, reviewed=segments_reviewed,
    )
    _hold_or_publish(article, translation, revision, user=user,
                     changed=changed or slug_moved, go_live=go_live)
    record(
        "translation.saved",
        user=user,
        article=article,
        locale=locale,
        detail={"revision": number, "minor": minor, **({"via": via} if via else {})},
    )
    return translation


def _hold_or_publish(article, translation, revision, *, user, changed: bool,
                     go_live: bool) -> None:
    """Decide what readers see after a save.

    An editor's save of a published version goes live at once, unless a blocking problem (a
    failed check, a body its segments do not hold) would reach readers: then it waits as
    pending changes, and `translation.held_back` says why. Anyone else's save (an author, a
    translator, a machine draft) waits until an editor publishes it. An approved translation
    whose text changes goes back to review through the workflow.
    """
    if translation.status == "published":
        may_publish = go_live or (user is not SYSTEM and can(user, "publish", translation))
        problems = workflow.live_problems(translation) if changed else []
        if may_publish and not problems:
            translation.make_live(revision.id)
            apply_pending_slug(translation)
            events.live_text_changed.send(translation, reason="live_edit")
        elif changed:
            translation.has_pending_changes = True
            translation.held_back = problems
            if problems:
                record("translation.held", user=user, article=article,
                       locale=translation.locale,
                       detail={"revision": revision.number, "problems": problems})
    elif (
        changed
        and translation.status == "approved"
        and translation.locale != article.source_locale
    ):
        workflow.transition(translation, "reopen", user=user)
    # the source moved on: what readers see is stale as well, whatever waits to be published
    for other in article.translations:
        if other.is_published and other.outdated_since and other.live_outdated_since is None:
            other.live_outdated_since = other.outdated_since
            events.site_content_changed.send(other, what="outdated_notice")


def _update_slug(translation: ArticleTranslation, requested: str | None, *, user) -> bool:
    """Slugs follow the headline until first publication; afterwards only on request.

    A published version's address is what readers and search engines know: a change to it
    waits for an editor like its text. Returns True when a change waits.
    """
    if requested:
        new_slug = unique_slug(translation.locale, requested, translation.id)
        if new_slug == translation.slug:
            return False
        if translation.status == "published":
            translation.pending_slug = new_slug
            return True
    elif not translation.slug or translation.first_published_at is None:
        new_slug = unique_slug(translation.locale, translation.headline, translation.id)
    else:
        return False
    change_slug(translation, new_slug)
    return False


def restore_revision(revision: Revision, *, user) -> ArticleTranslation:
    """Bring back an old revision's text as a new revision; history is never rewritten."""
    translation = revision.translation
    values = {f: getattr(revision, f) for f in TEXT_FIELDS}
    return save_translation(
        translation.article,
        translation.locale,
        values,
        user=user,
        note=f"restored revision {revision.number}",
    )


def find_or_create_tags(text: str, locale: str) -> list:
    """Tags from a comma-separated list; unknown names become new tags named in this locale."""
    wanted = [t.strip() for t in (text or "").split(",") if t.strip()]
    if not wanted:
        return []
    existing = db.session.scalars(select(Tag)).all()
    result = []
    for name in wanted:
        key = make_slug(name, locale, max_length=60)
        match = next(
            (
                t
                for t in existing
                if t.key == key or any(n.casefold() == name.casefold() for n in t.names.values())
            ),
            None,
        )
        if match is None:
            match = Tag(key=key, names={locale: name})
            db.session.add(match)
            existing.append(match)
        if match not in result:
            result.append(match)
    return result


def update_shared_fields(
    article: Article, *, user, category, byline: str, tags_text: str, lead_image=None
) -> Article:
    """Set what every language version shares: section, byline, tags and, when given, the lead
    image (None keeps the current one). Tags are named in the source language.

    Checks permission, records what changed and flushes; the caller commits.
    """
    if not can(user, "edit_shared_fields", article):
        raise PermissionDenied("edit_shared_fields")

    def snapshot():
        return {
            "category": article.category_id,
            "byline": article.byline,
            "tags": sorted(t.key for t in article.tags),
            "lead_image": article.lead_image_id,
        }

    before = snapshot()
    article.category = category
    article.byline = (byline or "").strip()
    article.tags = find_or_create_tags(tags_text, article.source_locale)
    if lead_image is not None:
        article.lead_image = lead_image
    db.session.flush()
    after = snapshot()
    changed = sorted(name for name in after if after[name] != before[name])
    if changed:
        record("article.shared_fields", user=user, article=article, detail={"changed": changed})
        # section, byline, tags and lead image show on every published version's page
        events.site_content_changed.send(article, what="shared_fields")
    return article
