"""Article bodies: CommonMark in, sanitized HTML out, done once at save time."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li", "blockquote", "br", "code",
    "pre", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    """Keep only the tags a news body needs; drops scripts, handlers and javascript: URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _demote_headings(html: str) -> str:
    # the headline is the page's only h1; body headings start at h2
    return re.sub(r"<(/?)h1>", r"<\1h2>", html)


def render_body(markdown_text: str) -> str:
    """Markdown source to safe HTML."""
    return sanitize(_demote_headings(_markdown.render(markdown_text or "")))


def count_words(*texts: str) -> int:
    """Words across the given texts, for reading time."""
    return sum(len(re.findall(r"\w+", t or "")) for t in texts)
