"""Sections of the site: creating and renaming them, with a name and slug per language."""

from __future__ import annotations

from sqlalchemy import func, select

from bv import events
from bv.accounts.permissions import PermissionDenied, can
from bv.articles.models import Category, CategoryName
from bv.articles.slugs import make_slug
from bv.audit.service import record
from bv.extensions import db


class CategoryClash(Exception):
    """Another section already uses this key (locale None) or this name in one language."""

    def __init__(self, locale: str | None = None):
        super().__init__(f"category clash: {locale or 'key'}")
        self.locale = locale


def save_category(category: Category | None, *, key: str, names: dict[str, str], user) -> Category:
    """Create a section (category None) or rename one; `names` maps each locale to its name.

    Refuses with CategoryClash before changing anything; records and flushes, the caller commits.
    """
    if not can(user, "manage_categories"):
        raise PermissionDenied("manage_categories")
    current_id = category.id if category is not None else 0
    key = make_slug(key, "en", max_length=60)
    if db.session.scalar(select(Category.id).where(Category.key == key, Category.id != current_id)):
        raise CategoryClash()
    names = {code: (text or "").strip() for code, text in names.items()}
    slugs = {code: make_slug(text, code, max_length=100) for code, text in names.items()}
    for code, slug in slugs.items():
        taken = db.session.scalar(
            select(CategoryName.id).where(
                CategoryName.locale == code,
                CategoryName.slug == slug,
                CategoryName.category_id != current_id,
            )
        )
        if taken:
            raise CategoryClash(code)
    if category is None:
        position = db.session.scalar(select(func.count(Category.id))) or 0
        category = Category(key=key, position=position)
        db.session.add(category)
    category.key = key
    for code, text in names.items():
        name = category.name_in(code)
        if name is None:
            name = CategoryName(locale=code)
            category.names.append(name)
        name.name = text
        name.slug = slugs[code]
    db.session.flush()
    record("category.saved", user=user, detail={"category": category.id})
    # every public page's menu names the sections
    events.site_content_changed.send(category, what="category")
    return category
