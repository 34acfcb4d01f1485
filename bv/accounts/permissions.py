"""Who may do what: one table, enforced by the domain functions and the views.

`can(user, action, obj)` is the only place a role is compared with anything. `obj` is what the
action is done to: an ArticleTranslation, an Article (with `locale=` for a version that does not
exist yet), a Job, or None for site-wide actions. Nobody (`None`) may do anything; the site
itself acting (scheduler, jobs, CLI, demo) passes `SYSTEM`, which may do everything.
"""

from __future__ import annotations

from bv.accounts.models import User

EVERYONE = frozenset({"admin", "editor", "author", "translator"})
DESK = frozenset({"admin", "editor"})

# actions on one language version; obj is the ArticleTranslation, or the Article plus locale=
TRANSLATION_ACTIONS = {
    "edit": EVERYONE,
    # create a version that does not exist yet (obj: the Article, locale: the new version's)
    "start_translation": EVERYONE,
    "submit": EVERYONE,
    "approve": DESK,
    "return": DESK,
    "publish": DESK,
    "unpublish": DESK,
    "schedule": DESK,
    "unschedule": DESK,
    "override": DESK,
    "machine_translate": DESK | {"translator"},
    # an approved translation edited again goes back to review: whoever may edit causes it
    "reopen": EVERYONE,
    # who may be given a translation to do (the language checks below still apply)
    "take_assignment": {"translator"},
}

# actions on the story as a whole (obj: the Article or one of its versions); an author only
# ever acts on their own articles
ARTICLE_ACTIONS = {
    # section, byline, tags and lead image, shared by every language version
    "edit_shared_fields": DESK | {"author"},
}

# actions on a background job (obj: the Job); the person who started a job may always see it
JOB_ACTIONS = {
    "view_job": DESK,
}

SITE_ACTIONS = {
    "manage_users": {"admin"},
    "manage_settings": {"admin"},
    "manage_categories": DESK,
    "create_article": DESK | {"author"},
    "view_audit": DESK,
    "manage_glossary": DESK,
    "view_dashboard": EVERYONE,
    "view_all_jobs": DESK,
    "machine_draft_missing": DESK,
    "assign_translation": DESK,
    "view_translator_queues": DESK | {"translator"},
    # subscriber counts per language, mailings and the delivery log
    "view_newsletter": DESK,
    # export or delete one subscriber's data, resume a paused list
    "manage_subscribers": DESK,
    # the mail folder used while no mail server is configured
    "read_mail_outbox": DESK,
    # ...including mail to other staff accounts (password-reset links)
    "read_staff_mail": {"admin"},
    # bring a WordPress site's archive over (a whole site's content at once)
    "import_wordpress": {"admin"},
}

ALL_ACTIONS = frozenset(TRANSLATION_ACTIONS) | set(ARTICLE_ACTIONS) | set(JOB_ACTIONS) | set(SITE_ACTIONS)


class SystemActor:
    """The site itself acting: the scheduler, background jobs, CLI commands, demo content."""

    id = None
    role = "system"
    display_name = "BalkanView"
    is_authenticated = True
    active = True
    language_list: list[str] = []

    def __repr__(self) -> str:
        return "<SYSTEM>"


SYSTEM = SystemActor()


def can(user: User | SystemActor | None, action: str, obj=None, *, locale: str | None = None) -> bool:
    """True when the user may perform the action on obj; None may do nothing, SYSTEM everything."""
    if user is SYSTEM:
        return True
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if action in SITE_ACTIONS:
        return user.role in SITE_ACTIONS[action]
    if action in JOB_ACTIONS:
        return obj is not None and (
            user.role in JOB_ACTIONS[action] or obj.user_id == user.id
        )
    if action in ARTICLE_ACTIONS:
        article, _ = _article_and_locale(obj, locale)
        if article is None or user.role not in ARTICLE_ACTIONS[action]:
            return False
        return user.role != "author" or article.author_id == user.id
    allowed = TRANSLATION_ACTIONS.get(action)
    if allowed is None or user.role not in allowed:
        return False
    article, target_locale = _article_and_locale(obj, locale)
    if user.role == "translator":
        # translators work only on translations into their languages, never on a source
        if target_locale not in user.language_list:
            return False
        if article is not None and article.source_locale == target_locale:
            return False
    if user.role == "author" and article is not None:
        # authors touch only their own articles
        return article.author_id == user.id
    return True


def roles_with(action: str) -> set[str]:
    """The roles the table allows an action (to find who should hear about it)."""
    return set(SITE_ACTIONS.get(action) or TRANSLATION_ACTIONS.get(action) or ())


def _article_and_locale(obj, locale: str | None):
    """The article and the language version an action is about."""
    if obj is None:
        return None, locale
    if hasattr(obj, "translations"):  # an Article: the version is named by locale=
        return obj, locale
    return obj.article, obj.locale


class PermissionDenied(Exception):
    """Raised by domain functions; views turn it into a 403."""
