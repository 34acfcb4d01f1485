"""The life of one language version. Every status change goes through transition()."""

from __future__ import annotations

from datetime import datetime, timedelta

from bv.accounts.permissions import SYSTEM, PermissionDenied, can
from bv.articles.models import ArticleTranslation
from bv.articles.service import latest_revision_id
from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db


class TransitionError(Exception):
    """The requested change is not possible from the current status."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# action -> statuses it may start from, and the status it leads to
TRANSITIONS = {
    "submit": ({"draft", "unpublished"}, "in_review"),
    "return": ({"in_review", "approved"}, "draft"),
    "approve": ({"in_review"}, "approved"),
    # from "published" only when changes wait for publication (see allowed_from)
    "publish": ({"approved", "unpublished", "published"}, "published"),
    "unpublish": ({"published"}, "unpublished"),
    "schedule": ({"approved", "unpublished"}, None),
    "unschedule": ({"approved", "unpublished", "draft", "in_review"}, None),
}

# further ahead is a typo (9999 for 2026), not a plan
MAX_SCHEDULE_AHEAD = timedelta(days=731)

# the writer's own language may be published straight from a draft by an editor
SOURCE_PUBLISH_FROM = {"draft", "in_review", "approved", "unpublished"}

# checks registered by the translation workflow (approval gate); each returns messages
approval_checks: list = []
# called with (translation, action, user) inside the transaction, e.g. to notify people
transition_hooks: list = []


def allowed_from(translation: ArticleTranslation, action: str) -> set[str]:
    """The statuses from which the action may start for this translation."""
    sources, _ = TRANSITIONS[action]
    if translation.locale == translation.article.source_locale and action in (
        "publish",
        "schedule",
    ):
        sources = SOURCE_PUBLISH_FROM | ({"published"} if action == "publish" else set())
    if action == "publish" and not translation.has_pending_changes:
        sources = sources - {"published"}
    return sources


def available_actions(translation: ArticleTranslation, user) -> list[str]:
    """The actions this user can take on the translation right now."""
    result = []
    for action in TRANSITIONS:
        if action == "unschedule" and translation.scheduled_at is None:
            continue
        if translation.status in allowed_from(translation, action) and can(
            user, action, translation
        ):
            result.append(action)
    return result


def transition(
    translation: ArticleTranslation,
    action: str,
    *,
    user=None,
    when: datetime | None = None,
    override_reason: str | None = None,
    at: datetime | None = None,
    commit: bool = True,
) -> ArticleTranslation:
    """Check permission and status, apply the change, record it and commit.

    `at` backdates the change (demo content and imports); it defaults to now.
    """
    if action not in TRANSITIONS:
        raise TransitionError("unknown_action", action=action)
    if not can(user, action, translation):
        raise PermissionDenied(action)
    if translation.status not in allowed_from(translation, action):
        raise TransitionError("not_from_status", action=action, status=translation.status)

    now = at or utcnow()
    detail: dict = {"from": translation.status}
    # publishing a translation's pending changes skips "approve", so the gate runs here
    republish = action == "publish" and translation.status == "published"
    if action == "approve" or (
        republish and translation.locale != translation.article.source_locale
    ):
        problems = [p for check in approval_checks for p in check(translation)]
        if problems:
            if not override_reason:
                raise TransitionError("approval_blocked", problems=problems)
            if not can(user, "override", translation):
                raise PermissionDenied("override")
            detail["override_reason"] = override_reason
            detail["problems"] = problems
    if action == "schedule":
        if when is None or when <= now:
            raise TransitionError("schedule_in_past")
        if when > now + MAX_SCHEDULE_AHEAD:
            raise TransitionError("schedule_too_far")
        translation.scheduled_at = when
        detail["scheduled_at"] = when.isoformat()
    elif action == "unschedule":
        translation.scheduled_at = None
    else:
        _, target = TRANSITIONS[action]
        translation.status = target
        # a schedule belongs to the version as it was when scheduled; any other change ends it
        if translation.scheduled_at is not None:
            if action != "publish":
                detail["schedule_cancelled"] = translation.scheduled_at.isoformat()
            translation.scheduled_at = None
        if action == "publish":
            if republish:
                detail["changes"] = True
            translation.published_at = translation.first_published_at or now
            translation.first_published_at = translation.first_published_at or now
            translation.make_live(latest_revision_id(translation))
    translation.status_changed_at = now
    translation.status_changed_by_id = getattr(user, "id", None)
    detail["to"] = translation.status
    record(
        f"translation.{action}",
        user=user,
        article=translation.article,
        locale=translation.locale,
        detail=detail,
    )
    for hook in transition_hooks:
        hook(translation, action, user)
    if commit:
        db.session.commit()
    return translation


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled translation whose time has come; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        db.select(ArticleTranslation).where(
            ArticleTranslation.scheduled_at.is_not(None), ArticleTranslation.scheduled_at <= now
        )
    ).all()
    published = 0
    for translation in due:
        try:
            transition(translation, "publish", user=SYSTEM)
            published += 1
        except TransitionError:
            translation.scheduled_at = None
            db.session.commit()
    return published
