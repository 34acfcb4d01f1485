"""Bring a WordPress export over: posts, language groups, terms, authors, media, old URLs.

Three streaming passes over the file: the first checks everything and collects the small
facts (languages, groups, attachments, terms) and refuses a bad file before anything is
written; the second imports the items in batches; the third imports the translations that came
before their source in the file. A re-run finds what it imported by post id and old URL and
updates it.
"""

from __future__ import annotations

import csv
import hashlib
import re
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from blinker import Signal
from sqlalchemy import select

from bv import events, redirects
from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.accounts.service import create_user
from bv.articles import service, workflow
from bv.articles.fields import clean, max_length
from bv.articles.models import Article, ArticleTranslation, Category, CategoryName, Image, Tag
from bv.articles.slugs import make_slug
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import LOCALES
from bv.media import ImageRejected, store_image
from bv.settings import set_about, set_setting
from bv.wordpress import content as converter
from bv.wordpress.models import ImportedItem
from bv.wordpress.report import Report
from bv.wordpress.wxr import BadExport, Item, Term, read

# raw HTML larger than this is not an article but a mistake (or an attack on memory)
MAX_CONTENT_CHARS = 1_000_000
IMPORTED_TYPES = ("post", "page")
SKIPPED_STATUSES = {"private": "private", "trash": "trash", "auto-draft": "auto-draft",
                    "inherit": "inherit"}
ABOUT_SLUGS = {"about", "about-us", "rreth-nesh", "rreth-nesh-2", "za-nas", "за-нас"}
CONTACT_SLUGS = {"contact", "contact-us", "kontakt", "kontakti", "na-kontaktoni", "контакт"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d /-]{6,}\d")
OVERRIDE_REASON = "Published on the WordPress site before the import"
UPLOADS_MARK = "/wp-content/uploads/"
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


@dataclass
class PostInfo:
    """What the first pass remembers of a post or page (no text)."""

    post_id: int
    post_type: str
    status: str
    locale: str
    group: str
    date: datetime | None
    link: str
    source_hint: bool = False


@dataclass
class Attachment:
    url: str
    file: str
    caption: str
    alt: str


@dataclass
class Scan:
    """Facts from the first pass."""

    version: str = ""
    site: str = ""
    authors: dict = field(default_factory=dict)
    terms: dict = field(default_factory=dict)  # (taxonomy, slug) -> Term
    term_locale: dict = field(default_factory=dict)  # term_id -> locale
    term_group: dict = field(default_factory=dict)  # term_id -> group key
    posts: dict = field(default_factory=dict)  # post id -> PostInfo
    attachments: dict = field(default_factory=dict)  # post id -> Attachment
    groups: dict = field(default_factory=lambda: defaultdict(list))  # key -> [post ids]
    group_maps: dict = field(default_factory=dict)  # key -> {locale: post id}
    languages_from: str = "default"


def language_code(value: str) -> str:
    """'sq', 'sq_AL', 'mk-MK' -> the two-letter code."""
    return re.split(r"[-_]", (value or "").strip().lower())[0]


def _php_map(description: str, what: str) -> dict:
    """A Polylang translations map (PHP-serialized) as {locale: id}; BadExport when broken."""
    import phpserialize  # imports only: not loaded by reading workers

    try:
        data = phpserialize.loads(description.encode("utf-8"), decode_strings=True)
    except Exception as error:  # phpserialize raises ValueError and friends
        raise BadExport("broken_serialized", term=what) from error
    if not isinstance(data, dict):
        raise BadExport("broken_serialized", term=what)
    out = {}
    for key, value in data.items():
        if key == "sync":  # Polylang keeps a sync list here too
            continue
        try:
            out[language_code(str(key))] = int(value)
        except (TypeError, ValueError) as error:
            raise BadExport("broken_serialized", term=what) from error
    return out


class Importer:
    """One import run; `run()` returns the Report. The caller owns nothing: batches commit here
    (a CLI command or job is the caller), and a dry run rolls everything back."""

    def __init__(self, path, *, uploads=None, default_language: str = "sq",
                 author_map=None, dry_run: bool = False, batch_size: int = 200,
                 progress=None):
        self.path = Path(path)
        self.uploads = Path(uploads) if uploads else None
        self.default = default_language
        self.author_map_path = author_map
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.progress = progress
        self.report = Report(dry_run=dry_run)
        self.scan = Scan()
        self.done: set[int] = set()
        self.deferred: set[int] = set()
        self._categories: dict[int, Category] = {}
        self._tags: dict[int, Tag] = {}
        self._images: dict[str, Image | None] = {}
        self._users: dict[str, User | None] = {}
        self._author_map: dict[str, str] = {}
        self._language_prefix: dict[str, str] = {}
        self._pending = 0
        self._handled = 0
        self._dates: set[tuple[str, str]] = set()
        self.origin = "wp:"

    # ---- pass 1 -------------------------------------------------------------------------

    def check(self) -> Scan:
        """Read the whole file once; BadExport for anything that would stop the import."""
        scan = self.scan
        items: list[tuple[Item, str]] = []
        wpml_seen = False
        slugs: dict[tuple, int] = {}
        for kind, value in read(self.path):
            if kind == "version":
                scan.version = value
            elif kind == "site":
                scan.site = value
            elif kind == "author":
                scan.authors[value.login] = value
            elif kind == "term":
                scan.terms[(value.taxonomy, value.slug)] = value
            elif kind == "item":
                item: Item = value
                if item.post_type == "attachment":
                    scan.attachments[item.post_id] = Attachment(
                        item.attachment_url, item.meta.get("_wp_attached_file", ""),
                        converter.plain(item.excerpt), item.meta.get("_wp_attachment_image_alt", ""))
                    continue
                if item.post_type not in IMPORTED_TYPES:
                    self.report.skipped[f"type {item.post_type}"] += 1
                    continue
                if item.content_size > MAX_CONTENT_CHARS:
                    raise BadExport("too_large", post=item.link or str(item.post_id),
                                    size=item.content_size)
                wpml_seen = wpml_seen or "_wpml_import_language_code" in item.meta
                items.append((item, ""))
        self.report.wxr_version = scan.version
        # one old site's ids and paths; another site imported later is another origin
        self.origin = "wp:" + hashlib.sha1(scan.site.encode("utf-8")).hexdigest()[:16]
        polylang = any(t.taxonomy == "language" for t in scan.terms.values()) or any(
            item.terms_in("language") for item, _ in items)
        scan.languages_from = "polylang" if polylang else "wpml" if wpml_seen else "default"
        self.report.languages_from = scan.languages_from
        if scan.languages_from == "default":
            self.report.default_language = self.default
        self._read_term_translations()
        for item, _ in items:
            locale = self._locale_of(item)
            if locale not in LOCALES:
                raise BadExport("unknown_language", language=locale[:20],
                                post=item.link or str(item.post_id))
            group = self._group_of(item)
            info = PostInfo(item.post_id, item.post_type, item.status, locale, group,
                            item.date_gmt, item.link,
                            source_hint=scan.languages_from == "wpml"
                            and not item.meta.get("_wpml_import_source_language_code"))
            scan.posts[item.post_id] = info
            scan.groups[group].append(item.post_id)
            if self._skip_reason(item) is None and item.slug:
                key = (item.post_type, locale, item.slug)
                if key in slugs:
                    raise BadExport("duplicate_slug", slug=item.slug, first=slugs[key],
                                    second=item.post_id)
                slugs[key] = item.post_id
        self._check_groups()
        self._infer_urls()
        self._read_author_map()
        return scan

    def _locale_of(self, item: Item) -> str:
        if self.scan.languages_from == "polylang":
            found = item.terms_in("language")
            return language_code(found[0][0]) if found else self.default
        if self.scan.languages_from == "wpml":
            return language_code(item.meta.get("_wpml_import_language_code") or self.default)
        return self.default

    def _group_of(self, item: Item) -> str:
        if self.scan.languages_from == "polylang":
            found = item.terms_in("post_translations")
            if found:
                return "pll:" + found[0][0]
        if self.scan.languages_from == "wpml":
            group = item.meta.get("_wpml_import_translation_group")
            if group:
                return "wpml:" + group
        return f"post:{item.post_id}"

    def _read_term_translations(self) -> None:
        scan = self.scan
        by_id = {t.term_id: t for t in scan.terms.values()}
        for term in list(scan.terms.values()):
            if term.taxonomy == "post_translations":
                scan.group_maps["pll:" + term.slug] = _php_map(term.description, term.slug)
            elif term.taxonomy == "term_translations":
                for locale, term_id in _php_map(term.description, term.slug).items():
                    if term_id in by_id:
                        scan.term_locale[term_id] = locale
                        scan.term_group[term_id] = term.slug

    def _check_groups(self) -> None:
        """Polylang's map and the shared terms must agree; what they disagree on is reported."""
        scan = self.scan
        for key, members in scan.groups.items():
            mapping = scan.group_maps.get(key)
            if mapping is None:
                continue
            for locale, post_id in mapping.items():
                info = scan.posts.get(post_id)
                if info is None:
                    self.report.orphans.append(
                        f"{key}: {locale} post {post_id} is named but not in the export")
                elif info.group != key or info.locale != locale:
                    self.report.non_reciprocal.append(
                        f"{key}: names post {post_id} as {locale}, which is in "
                        f"{info.group} as {info.locale}")
            for post_id in members:
                info = scan.posts[post_id]
                if mapping.get(info.locale) != post_id:
                    self.report.non_reciprocal.append(
                        f"{key}: post {post_id} ({info.locale}) shares the group but its map "
                        f"does not name it")

    def _infer_urls(self) -> None:
        """How the old site built its URLs: permalinks and where the language went."""
        prefixed, query = Counter(), Counter()
        shapes = Counter()
        for info in self.scan.posts.values():
            parts = urlsplit(info.link)
            segments = [s for s in unquote(parts.path).split("/") if s]
            if segments and segments[0] == info.locale:
                prefixed[info.locale] += 1
                segments = segments[1:]
            if dict(parse_qsl(parts.query)).get("lang"):
                query[info.locale] += 1
            if "p" in dict(parse_qsl(parts.query)) or "page_id" in dict(parse_qsl(parts.query)):
                shapes["?p=%post_id%"] += 1
            elif info.post_type == "post":
                shape = "/" + "/".join(
                    "%year%" if re.fullmatch(r"\d{4}", s) else
                    "%monthnum%" if re.fullmatch(r"\d{2}", s) else
                    "%post_id%" if re.fullmatch(r"\d+", s) else "%postname%"
                    for s in segments) + "/"
                shapes[shape] += 1
        self.report.permalinks = shapes.most_common(1)[0][0] if shapes else ""
        if prefixed:
            self.report.language_urls = "directory"
            self._language_prefix = {code: f"/{code}" for code in prefixed}
        elif query:
            self.report.language_urls = "?lang="
        else:
            self.report.language_urls = "none"

    def _read_author_map(self) -> None:
        if not self.author_map_path:
            return
        with open(self.author_map_path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if len(row) >= 2 and row[0].strip() and not row[0].startswith("#"):
                    self._author_map[row[0].strip()] = row[1].strip()

    # ---- pass 2 and 3 -------------------------------------------------------------------

    def run(self) -> Report:
        """Check, then import; a dry run rolls back at the end."""
        self.check()
        total = len(self.scan.posts)
        muted = (events.status_changed, events.translation_outdated)
        try:
            with _muted(*muted):
                for kind, value in read(self.path):
                    if kind == "item" and value.post_id in self.scan.posts:
                        self._handle(value, allow_defer=True)
                if self.deferred:
                    for kind, value in read(self.path):
                        if kind == "item" and value.post_id in self.deferred:
                            self._handle(value, allow_defer=False)
                self._site_redirects()
                self._tally_groups()
                self._batch_end(force=True)
        except BaseException:
            db.session.rollback()
            raise
        if self.dry_run:
            db.session.rollback()
        if self.progress:
            self.progress(total, total)
        return self.report

    def _batch_end(self, force: bool = False) -> None:
        self._pending += 1
        if not force and self._pending < self.batch_size:
            return
        self._pending = 0
        if self.progress:
            self.progress(self._handled, len(self.scan.posts))
        if self.dry_run:
            db.session.flush()
        else:
            db.session.commit()

    def _handle(self, item: Item, *, allow_defer: bool) -> None:
        info = self.scan.posts[item.post_id]
        reason = self._skip_reason(item)
        if allow_defer:  # the first pass over the items counts each once
            self.report.counts[(item.post_type, item.status, info.locale)] += 1
        if reason is not None:
            self.report.skipped[reason] += 1
            self._handled += 1
            return
        if item.post_type == "page":
            self._page(item, info)
            self._handled += 1
            return
        source_id = self._source_of(info.group)
        if allow_defer and source_id != item.post_id and source_id not in self.done:
            # its source comes later in the file: imported in the last pass, after it
            self.deferred.add(item.post_id)
            return
        self._post(item, info, source_id)
        self.done.add(item.post_id)
        self._handled += 1
        self._batch_end()

    def _skip_reason(self, item: Item) -> str | None:
        if item.has_password:
            return "password-protected"
        return SKIPPED_STATUSES.get(item.status)

    def _importable(self, post_id: int) -> bool:
        info = self.scan.posts.get(post_id)
        return info is not None and info.status not in SKIPPED_STATUSES and info.post_type == "post"

    def _source_of(self, group: str) -> int:
        members = [p for p in self.scan.groups[group] if self._importable(p)]
        hinted = [p for p in members if self.scan.posts[p].source_hint]
        if hinted:
            return hinted[0]
        far = datetime.max.replace(tzinfo=None)
        return min(members, key=lambda p: (
            (self.scan.posts[p].date.replace(tzinfo=None) if self.scan.posts[p].date else far),
            p))

    # ---- one post -----------------------------------------------------------------------

    def _post(self, item: Item, info: PostInfo, source_id: int) -> None:
        locale = info.locale
        article = self._article_for(item, info, source_id)
        converted = converter.convert(
            item.content,
            resolve_image=lambda src, att: self._image_stem(src, att, item.link),
            attachment=self._attachment_for_gallery,
            take_lede=not item.excerpt.strip(),
        )
        for what in converted.unsupported:
            self.report.unsupported.append((item.link, what))
        if len(converted.markdown) > max_length("body"):
            self.report.skipped["too long for an article"] += 1
            self.report.unsupported.append((item.link, "body longer than an article may be"))
            return
        lede = converter.plain(item.excerpt) or converted.first_paragraph
        values = {
            "headline": _cut(item.title or item.slug or str(item.post_id), max_length("headline")),
            "lede": _cut(lede, max_length("lede")),
            "body": converted.markdown,
            "image_caption": "",
            "image_alt": "",
        }
        attachment = self.scan.attachments.get(_int(item.meta.get("_thumbnail_id")))
        if attachment is not None:
            image = self._image_for(attachment.file or attachment.url, item.link)
            if image is not None:
                if article.lead_image is None or item.post_id == source_id:
                    article.lead_image = image
                values["image_caption"] = _cut(attachment.caption, max_length("image_caption"))
                values["image_alt"] = _cut(attachment.alt, max_length("image_alt"))
        at = item.date_gmt or utcnow()
        translation = article.translation(locale)
        record = self._record("post", str(item.post_id), item.link, locale)
        if translation is not None and all(
                getattr(translation, k) == clean(k, v) for k, v in values.items()):
            pass
        else:
            source = article.source if locale != article.source_locale else None
            based_on = source.revisions[-1] if source is not None and source.revisions else None
            slug = item.slug if _readable(item.slug) else None
            translation = service.save_translation(
                article, locale, values, user=SYSTEM, segments_reviewed=True, at=at,
                go_live=True, based_on=based_on, slug=slug,
                note="WordPress import",
            )
        record.target_id = translation.id
        self._apply_status(item, translation, at)
        self._post_redirects(item, info, translation)

    def _article_for(self, item: Item, info: PostInfo, source_id: int) -> Article:
        group = self._record("group", info.group, "", "")
        article = db.session.get(Article, group.target_id) if group.target_id else None
        if article is None:
            existing = self._existing_translation(item)
            article = existing.article if existing is not None else None
        source_info = self.scan.posts[source_id]
        if article is None:
            article = service.create_article(
                source_locale=source_info.locale,
                category=self._category_for(item),
                author=self._author_for(item.creator),
                byline=self._byline(item.creator),
                tags=self._tags_for(item),
            )
            self.report.articles_created += 1
        elif item.post_id == source_id:
            self.report.articles_updated += 1
            article.category = self._category_for(item) or article.category
            tags = self._tags_for(item)
            if tags:
                article.tags = tags
        group.target_id = article.id
        return article

    def _existing_translation(self, item: Item) -> ArticleTranslation | None:
        row = db.session.scalar(select(ImportedItem).where(
            ImportedItem.kind == "post", ImportedItem.key == f"{self.origin}:{item.post_id}"))
        if row is None and item.link:
            row = db.session.scalar(select(ImportedItem).where(
                ImportedItem.kind == "post", ImportedItem.old_url == item.link))
        if row is None or row.target_id is None:
            return None
        return db.session.get(ArticleTranslation, row.target_id)

    def _record(self, kind: str, key: str, old_url: str, locale: str) -> ImportedItem:
        key = f"{self.origin}:{key}"[:300]
        row = db.session.scalar(select(ImportedItem).where(
            ImportedItem.kind == kind, ImportedItem.key == key))
        if row is None:
            row = ImportedItem(kind=kind, key=key, old_url=old_url[:700], locale=locale)
            db.session.add(row)
        else:
            row.old_url = old_url[:700] or row.old_url
        return row

    def _apply_status(self, item: Item, translation: ArticleTranslation, at: datetime) -> None:
        """WordPress status -> workflow: publish (and past `future`) publish, `future`
        schedules, the rest stay drafts."""
        now = utcnow()
        status = item.status
        if status == "future" and item.date_gmt and item.date_gmt <= now:
            status = "publish"
        if status == "future" and (item.date_gmt is None
                                   or item.date_gmt > now + workflow.MAX_SCHEDULE_AHEAD):
            self.report.too_far_ahead.append(item.link or str(item.post_id))
            return
        if translation.status == "published" or status not in ("publish", "future"):
            return
        is_source = translation.locale == translation.article.source_locale
        when = at if status == "publish" else now
        if not is_source:
            if translation.status in ("draft", "unpublished"):
                workflow.transition(translation, "submit", user=SYSTEM, at=when)
            if translation.status == "in_review":
                # the old site published it: a block structure that differs from the source
                # (translations are rarely paragraph for paragraph) must not hold it back
                workflow.transition(translation, "approve", user=SYSTEM, at=when,
                                    override_reason=OVERRIDE_REASON)
        if status == "publish":
            workflow.transition(translation, "publish", user=SYSTEM, at=when)
        elif translation.scheduled_at != item.date_gmt:
            workflow.transition(translation, "schedule", user=SYSTEM, when=item.date_gmt, at=now)

    # ---- terms and people ---------------------------------------------------------------

    def _term(self, taxonomy: str, slug: str) -> Term | None:
        return self.scan.terms.get((taxonomy, slug))

    def _term_members(self, term: Term, taxonomy: str) -> list[Term]:
        group = self.scan.term_group.get(term.term_id)
        if not group:
            return [term]
        return [t for t in self.scan.terms.values()
                if t.taxonomy == taxonomy and self.scan.term_group.get(t.term_id) == group]

    def _term_locale(self, term: Term) -> str:
        return self.scan.term_locale.get(term.term_id, self.default)

    def _category_for(self, item: Item) -> Category | None:
        found = item.terms_in("category")
        if not found:
            return None
        nicename, label = found[0]
        term = self._term("category", nicename) or Term(0, "category", nicename, label)
        members = self._term_members(term, "category")
        anchor = min(t.term_id for t in members) or nicename
        if anchor in self._categories:
            return self._categories[anchor]
        key = f"wp-{anchor}"[:60]
        row = self._record("category", str(anchor), "", "")
        category = db.session.get(Category, row.target_id) if row.target_id else None
        names = {self._term_locale(t): t.name or t.slug for t in members}
        fallback = names.get(self.default) or next(iter(names.values()))
        if category is None:
            # a section the site already has under the same name is the same section
            primary_locale = self._term_locale(term)
            slug = make_slug(names.get(primary_locale, fallback), primary_locale, 100)
            existing = db.session.scalar(select(CategoryName).where(
                CategoryName.locale == primary_locale, CategoryName.slug == slug))
            category = existing.category if existing is not None else None
        if category is None:
            category = Category(key=key, position=100 + len(self._categories))
            for locale in LOCALES:
                name = names.get(locale, fallback)
                slug = make_slug(name, locale, 100)
                if db.session.scalar(select(CategoryName.id).where(
                        CategoryName.locale == locale, CategoryName.slug == slug)):
                    slug = make_slug(f"{name} {anchor}", locale, 100)
                category.names.append(CategoryName(locale=locale, name=name[:80], slug=slug))
            db.session.add(category)
            db.session.flush()
            # a new section reaches every page's menu
            events.site_content_changed.send(category, what="category")
            self.report.categories_created += 1
        row.target_id = category.id
        self._categories[anchor] = category
        for t in members:
            self._category_redirects(t, category)
        return category

    def _tags_for(self, item: Item) -> list[Tag]:
        out = []
        for nicename, label in item.terms_in("post_tag"):
            term = self._term("post_tag", nicename) or Term(0, "post_tag", nicename, label)
            members = self._term_members(term, "post_tag")
            anchor = min(t.term_id for t in members) or nicename
            if anchor not in self._tags:
                row = self._record("tag", str(anchor), "", "")
                tag = db.session.get(Tag, row.target_id) if row.target_id else None
                names = {self._term_locale(t): t.name or t.slug for t in members}
                if tag is None:
                    key = f"wp-{anchor}"[:60]
                    tag = db.session.scalar(select(Tag).where(Tag.key == key)) or Tag(
                        key=key, names=names)
                    db.session.add(tag)
                    db.session.flush()
                    self.report.tags_created += 1
                row.target_id = tag.id
                self._tags[anchor] = tag
                for t in members:
                    for prefix in self._prefixes(self._term_locale(t)):
                        self._redirect(f"{prefix}/tag/{t.slug}/", "tag",
                                       locale=self._term_locale(t), target_id=tag.id,
                                       text=t.name)
            if self._tags[anchor] not in out:
                out.append(self._tags[anchor])
        return out

    def _byline(self, login: str) -> str:
        author = self.scan.authors.get(login)
        return (author.display_name if author and author.display_name else login)[:120]

    def _author_for(self, login: str) -> User | None:
        if login in self._users:
            return self._users[login]
        email = self._author_map.get(login)
        user = None
        if email:
            user = db.session.scalar(select(User).where(User.email == email.lower()))
            if user is None:
                # a random password nobody knows: inactive until an admin sets one
                user = create_user(email, secrets.token_urlsafe(24), role="author",
                                   display_name=self._byline(login))
                user.active = False
                self.report.authors_created += 1
            self._record("author", login, "", "").target_id = user.id
        self._users[login] = user
        return user

    # ---- media --------------------------------------------------------------------------

    def _attachment_for_gallery(self, attachment_id: int):
        found = self.scan.attachments.get(attachment_id)
        if found is None:
            return None
        return found.url, found.caption, found.alt

    def _image_stem(self, src: str, attachment_id: int | None, link: str) -> str | None:
        if not src and attachment_id in self.scan.attachments:
            att = self.scan.attachments[attachment_id]
            src = att.file or att.url
        if not src:
            self.report.media_missing.append((f"attachment {attachment_id}", link))
            return None
        image = self._image_for(src, link)
        return image.stem if image is not None else None

    def _image_for(self, src: str, link: str) -> Image | None:
        """The imported picture for an uploads URL or path; reported when missing."""
        relative = src.split(UPLOADS_MARK, 1)[1] if UPLOADS_MARK in src else src
        relative = unquote(relative.split("?", 1)[0]).lstrip("/")
        # a resized copy ("-900x600") is the same picture as the original upload
        if self.uploads is None or not (self.uploads / relative).is_file():
            relative = SIZE_SUFFIX.sub("", relative)
        if relative in self._images:
            image = self._images[relative]
            if image is None:
                self.report.media_missing.append((relative, link))
            return image
        image = None
        row = db.session.scalar(select(ImportedItem).where(
            ImportedItem.kind == "file", ImportedItem.key == f"{self.origin}:{relative}"[:300]))
        if row is not None and row.target_id:
            image = db.session.get(Image, row.target_id)
        if image is None:
            image = self._store(relative, link)
        if image is not None:
            self.report.media_found += 1
        self._images[relative] = image
        return image

    def _store(self, relative: str, link: str) -> Image | None:
        if self.uploads is None or ".." in Path(relative).parts:
            self.report.media_missing.append((relative, link))
            return None
        path = self.uploads / relative
        if not path.is_file():
            self.report.media_missing.append((relative, link))
            return None
        if self.dry_run:
            # files are not written in a dry run: a stand-in row keeps the counts true
            return Image(stem=f"dry-{secrets.token_hex(8)}", extension="jpg", width=0,
                         height=0, widths=[])
        try:
            image = store_image(path.read_bytes())
        except ImageRejected as error:
            self.report.media_missing.append((f"{relative} ({error})", link))
            return None
        db.session.flush()
        self._record("file", relative, "", "").target_id = image.id
        return image

    # ---- pages --------------------------------------------------------------------------

    def _page(self, item: Item, info: PostInfo) -> None:
        slug = make_slug(item.slug, info.locale)
        if slug in ABOUT_SLUGS or item.slug in ABOUT_SLUGS:
            converted = converter.convert(item.content, resolve_image=lambda s, a: None,
                                          attachment=self._attachment_for_gallery,
                                          take_lede=False)
            set_about(converted.markdown, info.locale)
            self._record("page", str(item.post_id), item.link, info.locale)
            self._redirect(item.link, "about", locale=info.locale)
            self._redirect(f"/?page_id={item.post_id}", "about", locale=info.locale)
            return
        if slug in CONTACT_SLUGS or item.slug in CONTACT_SLUGS:
            # the footer's e-mail and phone, when the contact page names them
            words = converter.plain(item.content)
            found = False
            for key, pattern in (("email", EMAIL), ("phone", PHONE)):
                match = pattern.search(words)
                if match:
                    set_setting(key, match.group(0)[:40 if key == "phone" else 254])
                    found = True
            if found:
                self._record("page", str(item.post_id), item.link, info.locale)
                return
        self.report.pages_unmatched.append(item.link or str(item.post_id))

    # ---- old addresses ------------------------------------------------------------------

    def _prefixes(self, locale: str) -> list[str]:
        prefix = self._language_prefix.get(locale, "")
        return [prefix] if prefix else [""]

    def _redirect(self, url: str, kind: str, *, locale: str, target_id: int | None = None,
                  text: str = "") -> None:
        if not url:
            return
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        if redirects.add(path, kind, locale=locale, target_id=target_id, text=text,
                         origin=self.origin):
            self.report.redirects += 1
        else:
            self.report.contested.append(path)

    def _post_redirects(self, item: Item, info: PostInfo, translation) -> None:
        self._redirect(item.link, "translation", locale=info.locale, target_id=translation.id)
        self._redirect(f"/?p={item.post_id}", "translation", locale=info.locale,
                       target_id=translation.id)
        if self.report.language_urls == "?lang=":
            self._redirect(f"/?p={item.post_id}&lang={info.locale}", "translation",
                           locale=info.locale, target_id=translation.id)
        if item.date_gmt:
            self._dates.add((info.locale, item.date_gmt.strftime("%Y/%m/%d")))

    def _category_redirects(self, term: Term, category: Category) -> None:
        locale = self._term_locale(term)
        path = term.slug
        parent = self._term("category", term.parent) if term.parent else None
        if parent is not None:
            path = f"{parent.slug}/{term.slug}"
        for prefix in self._prefixes(locale):
            self._redirect(f"{prefix}/category/{path}/", "category", locale=locale,
                           target_id=category.id)
            if parent is not None:
                self._redirect(f"{prefix}/category/{term.slug}/", "category", locale=locale,
                               target_id=category.id)
        if term.term_id:
            self._redirect(f"/?cat={term.term_id}", "category", locale=locale,
                           target_id=category.id)

    def _site_redirects(self) -> None:
        """Feeds, date archives and author pages: the language's feed, home or author page."""
        locales = sorted({info.locale for info in self.scan.posts.values()}) or [self.default]
        for locale in locales:
            for prefix in self._prefixes(locale):
                self._redirect(f"{prefix}/feed/", "feed", locale=locale)
                for login in self.scan.authors:
                    self._redirect(f"{prefix}/author/{login}/", "author", locale=locale,
                                   text=self._byline(login))
            if self.report.language_urls == "?lang=":
                self._redirect(f"/feed/?lang={locale}", "feed", locale=locale)
                self._redirect(f"/?lang={locale}", "home", locale=locale)
            # the home page itself, so its old pages (/page/2/) lead home too; an address
            # without a language prefix belongs to the default language only
            for prefix in self._prefixes(locale):
                if prefix or locale == self.default:
                    self._redirect(f"{prefix}/", "home", locale=locale)
        for locale, day in sorted(self._dates):
            year, month, _ = day.split("/")
            for prefix in self._prefixes(locale):
                for archive in (year, f"{year}/{month}", day):
                    self._redirect(f"{prefix}/{archive}/", "home", locale=locale)

    def _tally_groups(self) -> None:
        for key, members in self.scan.groups.items():
            present = {self.scan.posts[p].locale for p in members if self._importable(p)}
            if not present:
                continue
            missing = [code for code in LOCALES if code not in present]
            if missing:
                source = self.scan.posts[self._source_of(key)]
                self.report.groups_incomplete.append((source.link or key, missing))
            else:
                self.report.groups_complete += 1


class _muted:
    """History is not news: no notifications, machine drafts or 'outdated' flags for imports."""

    def __init__(self, *signals: Signal):
        self.signals = signals
        self.contexts = []

    def __enter__(self):
        for signal in self.signals:
            context = signal.muted()
            context.__enter__()
            self.contexts.append(context)
        return self

    def __exit__(self, *exc):
        for context in reversed(self.contexts):
            context.__exit__(*exc)
        return False


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split()) if limit <= 500 else (text or "")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _readable(slug: str) -> bool:
    """A WordPress slug worth keeping (not an id or an auto-generated number)."""
    return bool(slug) and not slug.isdigit() and bool(re.search(r"[^\W\d_]", slug))
