"""Writing articles: create, save a language version (with a revision), slugs and redirects."""

from __future__ import annotations

from sqlalchemy import select

from bv.accounts.permissions import SYSTEM, PermissionDenied, can
from bv.articles.models import (
    Article,
    ArticleTranslation,
    Revision,
    SlugRedirect,
)
from bv.articles.rendering import count_words, render_body
from bv.articles.slugs import make_slug
from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db

TEXT_FIELDS = ("headline", "lede", "body", "image_alt", "image_caption")


class EditConflict(Exception):
    """Someone else saved this translation since the editor opened it."""

    def __init__(self, translation: ArticleTranslation, submitted: dict):
        super().__init__("edit conflict")
        self.translation = translation
        self.submitted = submitted


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


def latest_revision_number(translation: ArticleTranslation) -> int:
    """The newest revision number of a translation, 0 before its first save."""
    if translation.id is None:
        return 0
    return (
        db.session.scalar(
            select(db.func.max(Revision.number)).where(Revision.translation_id == translation.id)
        )
        or 0
    )


def latest_revision_id(translation: ArticleTranslation) -> int | None:
    """The id of a translation's newest revision, without loading its history."""
    return db.session.scalar(
        select(db.func.max(Revision.id)).where(Revision.translation_id == translation.id)
    )


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


def save_translation(
    article: Article,
    locale: str,
    values: dict,
    *,
    user=None,
    expected_revision: int | None = None,
    minor: bool = False,
    note: str = "",
    slug: str | None = None,
    based_on: Revision | None = None,
    segments_reviewed: bool = False,
    adopt_segments: bool = True,
    at=None,
    commit: bool = True,
) -> ArticleTranslation:
    """Save one language version as a new revision.

    `expected_revision` is the revision number the editor started from; when someone saved
    since, EditConflict is raised and nothing is written (optimistic locking).
    """
    translation = article.translation(locale)
    if translation is not None and not can(user, "edit", translation):
        raise PermissionDenied("edit")
    if translation is None and user is not None and not can(
        user, "edit", None, locale=locale
    ):
        raise PermissionDenied("edit")
    if translation is not None and expected_revision is not None:
        # the content counter: a status change or outdated flag is not a conflict
        if latest_revision_number(translation) != expected_revision:
            raise EditConflict(translation, values)

    now = at or utcnow()
    if translation is None:
        translation = ArticleTranslation(
            article=article, locale=locale, status="draft", slug="", created_at=now
        )
        db.session.add(translation)
    if based_on is not None:
        translation.source_revision_id = based_on.id
    before = {field: getattr(translation, field) or "" for field in TEXT_FIELDS}
    for field in TEXT_FIELDS:
        if field in values:
            setattr(translation, field, (values[field] or "").strip())
    changed = any(before[f] != getattr(translation, f) for f in TEXT_FIELDS)
    translation.body_html = render_body(translation.body)
    translation.word_count = count_words(translation.headline, translation.lede, translation.body)
    translation.updated_at = now
    translation.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    _update_slug(translation, slug)

    number = latest_revision_number(translation) + 1
    revision = Revision(
        translation=translation,
        number=number,
        slug=translation.slug,
        minor=minor,
        note=(note or "")[:300],
        author_id=getattr(user, "id", None),
        created_at=now,
        **{f: getattr(translation, f) for f in TEXT_FIELDS},
    )
    db.session.add(revision)
    db.session.flush()
    if adopt_segments or locale == article.source_locale:
        _sync_segments(article, translation, user=user, minor=minor, reviewed=segments_reviewed)
    _hold_or_publish(article, translation, revision, user=user, changed=changed)
    record(
        "translation.saved",
        user=user,
        article=article,
        locale=locale,
        detail={"revision": number, "minor": minor},
    )
    if commit:
        db.session.commit()
    return translation


def _hold_or_publish(article, translation, revision, *, user, changed: bool) -> None:
    """Decide what readers see after a save.

    An editor's save of a published version goes live at once; anyone else's (an author,
    a translator, a machine draft) waits as pending changes until an editor publishes them.
    An approved translation whose text changes needs approving again.
    """
    if translation.status == "published":
        # the system's saves (machine drafts, CLI imports) wait for a person like anyone's
        if user is not None and user is not SYSTEM and can(user, "publish", translation):
            translation.make_live(revision.id)
        elif changed:
            translation.has_pending_changes = True
    elif (
        changed
        and translation.status == "approved"
        and translation.locale != article.source_locale
    ):
        translation.status = "in_review"
        record(
            "translation.reopened",
            user=user,
            article=article,
            locale=translation.locale,
            detail={"revision": revision.number, "schedule_cancelled": bool(translation.scheduled_at)},
        )
        translation.scheduled_at = None
    # the source moved on: what readers see is stale as well, whatever waits to be published
    for other in article.translations:
        if other.is_published and other.outdated_since and other.live_outdated_since is None:
            other.live_outdated_since = other.outdated_since


def _sync_segments(article: Article, translation: ArticleTranslation, *, user, minor, reviewed):
    """Source saves re-split the segments and may outdate translations; target saves align."""
    from bv.translation import sync

    if translation.locale == article.source_locale:
        sync.sync_source(article, minor=minor)
        from bv.notifications import on_outdated

        for stale in sync.refresh_outdated(article):
            record(
                "translation.outdated",
                user=user,
                article=article,
                locale=stale.locale,
                detail={"minor": minor},
            )
            on_outdated(stale, user)
        return
    if translation.source_revision_id is None and article.source and article.source.revisions:
        translation.source_revision_id = article.source.revisions[-1].id
    sync.adopt(translation, reviewed=reviewed, user=user)
    sync.refresh_outdated(article)


def _update_slug(translation: ArticleTranslation, requested: str | None) -> None:
    """Slugs follow the headline until first publication; afterwards only on request."""
    if requested:
        new_slug = unique_slug(translation.locale, requested, translation.id)
    elif not translation.slug or translation.first_published_at is None:
        new_slug = unique_slug(translation.locale, translation.headline, translation.id)
    else:
        return
    old = translation.slug
    if old == new_slug:
        return
    if old and translation.first_published_at is not None:
        db.session.add(
            SlugRedirect(locale=translation.locale, old_slug=old, translation_id=translation.id)
        )
    # a redirect that pointed at the new slug would shadow it
    db.session.execute(
        db.delete(SlugRedirect).where(
            SlugRedirect.locale == translation.locale, SlugRedirect.old_slug == new_slug
        )
    )
    translation.slug = new_slug


def restore_revision(revision: Revision, *, user=None) -> ArticleTranslation:
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
    from bv.articles.models import Tag

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
    return article
