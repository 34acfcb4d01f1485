"""Streaming reader for WordPress's export format (WXR 1.0-1.2, `wp-admin/includes/export.php`).

lxml's iterparse hands over one channel entry or item at a time and the tree is pruned behind
it, so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from lxml import etree

WP_NAMESPACE = re.compile(r"^http://wordpress\.org/export/(\d+\.\d+)/$")
KNOWN_VERSIONS = ("1.0", "1.1", "1.2")


class BadExport(Exception):
    """The file cannot be imported; `code` picks the reader's message, params fill it."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Author:
    """A `wp:author` of the channel."""

    login: str
    email: str = ""
    display_name: str = ""


@dataclass
class Term:
    """A category, tag or other taxonomy term of the channel."""

    term_id: int
    taxonomy: str
    slug: str
    name: str
    description: str = ""
    parent: str = ""


@dataclass
class Item:
    """One `item`: a post, page, attachment or anything else WordPress stores as a post."""

    post_id: int
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    slug: str = ""
    content: str = ""
    excerpt: str = ""
    date_gmt: datetime | None = None
    creator: str = ""
    has_password: bool = False
    parent: int = 0
    attachment_url: str = ""
    # (domain, nicename, label) for every <category> of the item
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def terms_in(self, domain: str) -> list[tuple[str, str]]:
        """(nicename, label) of the item's terms in one taxonomy."""
        return [(nice, label) for d, nice, label in self.terms if d == domain]

    @property
    def content_size(self) -> int:
        return len(self.content)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(el) -> str:
    return (el.text or "") if el is not None else ""


def _children(el) -> dict[str, str]:
    """Local name -> text of an element's direct children (the first of each name)."""
    out: dict[str, str] = {}
    for child in el:
        name = _local(child.tag)
        if name and name not in out:
            out[name] = child.text or ""
    return out


def _int(value: str) -> int:
    try:
        return int((value or "").strip() or 0)
    except ValueError:
        return 0


def _date_gmt(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def decode_slug(slug: str) -> str:
    """WordPress stores Cyrillic slugs percent-encoded; readers (and we) want the letters."""
    return unquote(slug or "").strip()


def _item(el) -> Item:
    values = _children(el)
    terms = []
    meta: dict[str, str] = {}
    for child in el:
        name = _local(child.tag)
        if name == "category":
            terms.append((child.get("domain") or "", decode_slug(child.get("nicename") or ""),
                          (child.text or "").strip()))
        elif name == "postmeta":
            pair = _children(child)
            meta.setdefault(pair.get("meta_key", ""), pair.get("meta_value", ""))
    return Item(
        post_id=_int(values.get("post_id", "")),
        post_type=(values.get("post_type") or "post").strip(),
        status=(values.get("status") or "").strip(),
        title=(values.get("title") or "").strip(),
        link=(values.get("link") or "").strip(),
        slug=decode_slug(values.get("post_name", "")),
        content=values.get("encoded", ""),  # content:encoded (excerpt:encoded comes second)
        excerpt=_excerpt(el),
        date_gmt=_date_gmt(values.get("post_date_gmt", "")),
        creator=(values.get("creator") or "").strip(),
        has_password=bool((values.get("post_password") or "").strip()),
        parent=_int(values.get("post_parent", "")),
        attachment_url=(values.get("attachment_url") or "").strip(),
        terms=terms,
        meta=meta,
    )


def _excerpt(el) -> str:
    for child in el:
        if isinstance(child.tag, str) and etree.QName(child.tag).namespace and \
                etree.QName(child.tag).namespace.startswith("http://wordpress.org/export/") and \
                etree.QName(child.tag).namespace.endswith("/excerpt/"):
            return child.text or ""
    return ""


def _term(el, kind: str) -> Term:
    v = _children(el)
    if kind == "category":
        return Term(_int(v.get("term_id", "")), "category", decode_slug(v.get("category_nicename", "")),
                    v.get("cat_name", "").strip(), v.get("category_description", ""),
                    decode_slug(v.get("category_parent", "")))
    if kind == "tag":
        return Term(_int(v.get("term_id", "")), "post_tag", decode_slug(v.get("tag_slug", "")),
                    v.get("tag_name", "").strip(), v.get("tag_description", ""))
    return Term(_int(v.get("term_id", "")), v.get("term_taxonomy", "").strip(),
                decode_slug(v.get("term_slug", "")), v.get("term_name", "").strip(),
                v.get("term_description", ""), decode_slug(v.get("term_parent", "")))


def read(path) -> Iterator[tuple[str, object]]:
    """Yield the export's parts in file order (see `_read`); the file is closed at the end."""
    with open(path, "rb") as handle:
        yield from _read(handle)


def _read(handle) -> Iterator[tuple[str, object]]:
    """Yield ("version", str), ("site", str), ("author", Author), ("term", Term), ("item", Item).

    Raises BadExport for a file that is not XML, not a WordPress export, of an unknown WXR
    version, or that ends early.
    """
    context = etree.iterparse(handle, events=("start", "end"), huge_tree=True,
                              resolve_entities=False, no_network=True)
    depth = 0
    seen_version = False
    try:
        for event, el in context:
            if event == "start":
                depth += 1
                if depth == 1 and _local(el.tag) != "rss":
                    raise BadExport("not_wxr")
                continue
            depth -= 1
            name = _local(el.tag)
            if depth == 2:  # a direct child of <channel>
                namespace = etree.QName(el.tag).namespace or ""
                if name == "wxr_version":
                    match = WP_NAMESPACE.match(namespace)
                    version = _text(el).strip()
                    if version not in KNOWN_VERSIONS or not match:
                        raise BadExport("unknown_version", version=version[:20])
                    seen_version = True
                    yield "version", version
                elif name in ("item", "author", "category", "tag", "term") and not seen_version \
                        and name != "category":
                    raise BadExport("not_wxr")
                elif name == "base_site_url":
                    yield "site", _text(el).strip()
                elif name == "author":
                    v = _children(el)
                    yield "author", Author(v.get("author_login", "").strip(),
                                           v.get("author_email", "").strip(),
                                           v.get("author_display_name", "").strip())
                elif name in ("category", "tag", "term") and WP_NAMESPACE.match(namespace):
                    yield "term", _term(el, name)
                elif name == "item":
                    yield "item", _item(el)
                # prune what has been read
                el.clear()
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as error:
        if "Document is empty" in str(error) or "Start tag expected" in str(error):
            raise BadExport("not_xml") from error
        if depth > 0 or "end of data" in str(error).lower() or "Premature end" in str(error):
            raise BadExport("truncated", line=getattr(error, "lineno", 0)) from error
        raise BadExport("not_xml") from error
    if not seen_version:
        raise BadExport("not_wxr")
