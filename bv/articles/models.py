"""The story and its language versions: Article, ArticleTranslation, Revision, categories, tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from bv.articles.fields import max_length
from bv.database import UTCDateTime, utcnow
from bv.extensions import db
from bv.text import single_line

# the life of one language version; "outdated" is a flag, not a status, so it stays online
STATUSES = ("draft", "in_review", "approved", "published", "unpublished")


class Category(db.Model):
    """A section of the site; its name and slug are per locale."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    names: Mapped[list[CategoryName]] = relationship(
        back_populates="category", cascade="all, delete-orphan", lazy="selectin"
    )

    def name_in(self, locale: str) -> CategoryName | None:
        """The category's name row in one locale."""
        return next((n for n in self.names if n.locale == locale), None)


class CategoryName(db.Model):
    """A category's name and slug in one locale."""

    __tablename__ = "category_name"
    __table_args__ = (
        UniqueConstraint("category_id", "locale"),
        UniqueConstraint("locale", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(100))

    category: Mapped[Category] = relationship(back_populates="names")

    @validates("name")
    def _one_line(self, key, value):
        """Names travel into menus, mail and feeds: line breaks fold to a space."""
        return single_line(value)


article_tags = Table(
    "article_tag",
    db.Model.metadata,
    Column("article_id", Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    # the primary key starts with the article; tag pages look up by tag
    Index("ix_article_tag_tag", "tag_id", "article_id"),
)


class Tag(db.Model):
    """A keyword shared by the language versions; named per locale."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    names: Mapped[dict] = mapped_column(JSON, default=dict)

    @validates("names")
    def _one_line(self, key, value):
        """Each label is one line (assign a new dict: the JSON column does not track edits)."""
        return {code: single_line(name) for code, name in (value or {}).items()}

    def name_in(self, locale: str) -> str:
        """The tag's label in one locale, falling back to its key."""
        return self.names.get(locale) or self.key


class Image(db.Model):
    """An uploaded lead image; alt text and caption are translated, so they live on translations."""

    __tablename__ = "image"

    id: Mapped[int] = mapped_column(primary_key=True)
    # stored as <uuid>-<width>.<ext> under UPLOAD_FOLDER
    stem: Mapped[str] = mapped_column(String(64), unique=True)
    extension: Mapped[str] = mapped_column(String(8))
    width: Mapped[int]
    height: Mapped[int]
    widths: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Article(db.Model):
    """The story, independent of language."""

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(5))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    byline: Mapped[str] = mapped_column(String(120), default="", index=True)
    lead_image_id: Mapped[int | None] = mapped_column(ForeignKey("image.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[Category | None] = relationship()
    author = relationship("User")
    lead_image: Mapped[Image | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by="Tag.key")
    translations: Mapped[list[ArticleTranslation]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )

    @validates("byline")
    def _one_line(self, key, value):
        """A byline is a name, on one line."""
        return single_line(value)

    def translation(self, locale: str) -> ArticleTranslation | None:
        """This article's version in one locale, if it exists."""
        return next((t for t in self.translations if t.locale == locale), None)

    @property
    def source(self) -> ArticleTranslation | None:
        """The version the others are translated from."""
        return self.translation(self.source_locale)


class ArticleTranslation(db.Model):
    """One language version of an article, with its own status and slug."""

    __tablename__ = "article_translation"
    __table_args__ = (
        UniqueConstraint("article_id", "locale"),
        UniqueConstraint("locale", "slug"),
        # listings seek to a (published_at, id) cursor (bv/site/queries.py, keyset_page)
        Index("ix_translation_listing", "locale", "status", "published_at", "id"),
        # the news sitemap (every locale, newest first) and the sitemap index (by article)
        Index("ix_translation_recent", "status", "published_at"),
        Index("ix_translation_sitemap", "status", "article_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(5))
    headline: Mapped[str] = mapped_column(String(max_length("headline")), default="")
    slug: Mapped[str] = mapped_column(String(220))
    lede: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # rendered and sanitized once, at save time
    body_html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    image_alt: Mapped[str] = mapped_column(String(max_length("image_alt")), default="")
    image_caption: Mapped[str] = mapped_column(String(max_length("image_caption")), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the source revision this translation was made from; None for the source itself
    source_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", use_alter=True, name="fk_translation_source_revision")
    )
    outdated_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What readers see. Publishing copies the working text here, so a later save by someone
    # who may not publish (a translator, an author, a machine draft) waits for an editor.
    live_headline: Mapped[str] = mapped_column(String(max_length("headline")), default="")
    live_lede: Mapped[str] = mapped_column(Text, default="")
    live_body_html: Mapped[str] = mapped_column(Text, default="")
    live_word_count: Mapped[int] = mapped_column(default=0)
    live_image_alt: Mapped[str] = mapped_column(String(max_length("image_alt")), default="")
    live_image_caption: Mapped[str] = mapped_column(String(max_length("image_caption")), default="")
    live_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", use_alter=True, name="fk_translation_live_revision")
    )
    # when the text readers see went stale; stays set while a fix waits for publication
    live_outdated_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    has_pending_changes: Mapped[bool] = mapped_column(default=False)
    # an address change of a published version that waits for an editor, like its text
    pending_slug: Mapped[str | None] = mapped_column(String(220))
    # the provider(s) whose machine draft last wrote this version; None after a person's save
    updated_via: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    article: Mapped[Article] = relationship(back_populates="translations")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="translation",
        cascade="all, delete-orphan",
        foreign_keys="Revision.translation_id",
        order_by="Revision.number",
    )
    source_revision: Mapped[Revision | None] = relationship(foreign_keys=[source_revision_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    status_changed_by = relationship("User", foreign_keys=[status_changed_by_id])

    __mapper_args__ = {"version_id_col": version}

    # set by the save in this transaction when a blocking problem kept its text from readers
    held_back = None

    @validates("headline", "live_headline")
    def _one_line(self, key, value):
        """Headlines become mail subjects and feed titles: line breaks fold to a space."""
        return single_line(value)

    @property
    def is_published(self) -> bool:
        """True when readers can see this version."""
        return self.status == "published"

    @property
    def is_outdated(self) -> bool:
        """True when the source changed after this translation was made."""
        return self.outdated_since is not None

    @property
    def reading_minutes(self) -> int:
        """Reading time of the published text at about 200 words a minute, at least one."""
        return max(1, round(self.live_word_count / 200))

    @property
    def live_is_outdated(self) -> bool:
        """True when the text readers see was made from an older source."""
        return self.live_outdated_since is not None

    def make_live(self, revision_id: int | None = None) -> None:
        """Readers now see the working text."""
        self.live_headline = self.headline
        self.live_lede = self.lede
        self.live_body_html = self.body_html
        self.live_word_count = self.word_count
        self.live_image_alt = self.image_alt
        self.live_image_caption = self.image_caption
        if revision_id is not None:
            self.live_revision_id = revision_id
        self.live_outdated_since = self.outdated_since
        self.has_pending_changes = False


class SlugRedirect(db.Model):
    """An old slug that still answers, with a 301 to the translation's current one."""

    __tablename__ = "slug_redirect"
    __table_args__ = (UniqueConstraint("locale", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(5))
    old_slug: Mapped[str] = mapped_column(String(220))
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("article_translation.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    translation: Mapped[ArticleTranslation] = relationship()


class Revision(db.Model):
    """An immutable snapshot of a translation, made on every save."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("translation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("article_translation.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    headline: Mapped[str] = mapped_column(String(max_length("headline")), default="")
    slug: Mapped[str] = mapped_column(String(220), default="")
    lede: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    image_alt: Mapped[str] = mapped_column(String(max_length("image_alt")), default="")
    image_caption: Mapped[str] = mapped_column(String(max_length("image_caption")), default="")
    # a typo fix that must not outdate translations
    minor: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    translation: Mapped[ArticleTranslation] = relationship(
        back_populates="revisions", foreign_keys=[translation_id]
    )
    author = relationship("User")
