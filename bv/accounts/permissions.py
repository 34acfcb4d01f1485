"""Who may do what: one table, enforced by the domain functions and the views."""

from __future__ import annotations

from bv.accounts.models import User

# actions on a language version of an article
TRANSLATION_ACTIONS = {
    "edit": {"admin", "editor", "author", "translator"},
    "submit": {"admin", "editor", "author", "translator"},
    "approve": {"admin", "editor"},
    "return": {"admin", "editor"},
    "publish": {"admin", "editor"},
    "unpublish": {"admin", "editor"},
    "schedule": {"admin", "editor"},
    "unschedule": {"admin", "editor"},
    "override": {"admin", "editor"},
    "machine_translate": {"admin", "editor", "translator"},
    # an approved translation edited again goes back to review: whoever may edit causes it
    "reopen": {"admin", "editor", "author", "translator"},
    # who may be given a translation to do (the language checks below still apply)
    "take_assignment": {"translator"},
}

SITE_ACTIONS = {
    "manage_users": {"admin"},
    "manage_settings": {"admin"},
    "manage_categories": {"admin", "editor"},
    "create_article": {"admin", "editor", "author"},
    "view_audit": {"admin", "editor"},
    "manage_glossary": {"admin", "editor"},
    "view_dashboard": {"admin", "editor", "translator", "author"},
    "assign_translation": {"admin", "editor"},
    "view_translator_queues": {"admin", "editor", "translator"},
}


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


def can(user: User | None, action: str, translation=None, *, locale: str | None = None) -> bool:
    """True when the user may perform the action; SYSTEM may do anything, nobody (None) nothing."""
    if user is SYSTEM:
        return True
    if user is None:
        return False
    if not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if action in SITE_ACTIONS:
        return user.role in SITE_ACTIONS[action]
    allowed = TRANSLATION_ACTIONS.get(action)
    if allowed is None or user.role not in allowed:
        return False
    target_locale = translation.locale if translation is not None else locale
    article = translation.article if translation is not None else None
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


class PermissionDenied(Exception):
    """Raised by domain functions; views turn it into a 403."""
