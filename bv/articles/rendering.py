"""Article bodies: CommonMark in, sanitized HTML out, done once at save time.

Pictures: a paragraph that holds nothing but `![alt](image:<stem> "caption")` becomes a
`<figure>` with the stored image's responsive sizes and the caption as `<figcaption>`. Any other
picture (inside a sentence, an unknown stem, an http:, data: or javascript: address) is replaced
by its alt text: the site never hot-links images from elsewhere, and a picture in the middle of
a sentence would break the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li", "blockquote", "br", "code",
    "pre", "hr", "figure", "img", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# the address of a stored picture in the body's Markdown: image:<Image.stem>
PICTURE_SCHEME = "image:"
PICTURE_STEM = re.compile(r"[A-Za-z0-9_-]{1,64}")
# the body column is as wide as the lead image, so the browser picks sizes the same way
FIGURE_SIZES = "(min-width: 48rem) 46rem, 100vw"


@dataclass(frozen=True)
class Picture:
    """What a figure needs of a stored image: addresses and intrinsic size."""

    src: str
    srcset: str
    width: int
    height: int
    # every address of this picture starts with this (the media route)
    prefix: str


# set by bv.media.init_app: stem -> Picture, or None for an unknown stem
_find_picture: Callable[[str], Picture | None] | None = None


def register_picture_finder(finder: Callable[[str], Picture | None]) -> None:
    """Let the media package resolve `image:<stem>` (articles must not import media)."""
    global _find_picture
    _find_picture = finder


def picture_stem(src: str) -> str | None:
    """The stem of an `image:<stem>` address, or None for any other address."""
    if not src.startswith(PICTURE_SCHEME):
        return None
    stem = src[len(PICTURE_SCHEME):]
    return stem if PICTURE_STEM.fullmatch(stem) else None


def lone_picture(inline: Token) -> Token | None:
    """The image token when an inline run is one `image:` picture and nothing else."""
    children = [
        c for c in (inline.children or []) if not (c.type == "text" and not c.content.strip())
    ]
    if len(children) == 1 and children[0].type == "image":
        image = children[0]
        if picture_stem(str(image.attrGet("src") or "")):
            return image
    return None


def picture_alt(image: Token) -> str:
    """The alt text of an image token as plain text (emphasis and escapes resolved)."""
    return " ".join(
        _markdown.renderer.renderInlineAsText(image.children or [], _markdown.options, {}).split()
    )


# characters that could end the alt text or start markup, an entity or an autolink
_ALT_SPECIAL = re.compile(r"([\\\[\]*_`<&!])")
_TITLE_SPECIAL = re.compile(r'([\\"&])')


def picture_markdown(stem: str, *, alt: str = "", caption: str = "") -> str:
    """`![alt](image:<stem> "caption")` with both texts escaped so they stay plain text."""
    alt_text = _ALT_SPECIAL.sub(r"\\\1", " ".join((alt or "").split()))
    caption_text = " ".join((caption or "").split())
    escaped = _TITLE_SPECIAL.sub(r"\\\1", caption_text)
    title = f' "{escaped}"' if caption_text else ""
    return f"![{alt_text}]({PICTURE_SCHEME}{stem}{title})"


def _figure(image: Token, picture: Picture) -> str:
    alt = escape(picture_alt(image), quote=True)
    caption = " ".join(str(image.attrGet("title") or "").split())
    html = (
        f'<figure><img src="{escape(picture.src)}" srcset="{escape(picture.srcset)}" '
        f'sizes="{FIGURE_SIZES}" alt="{alt}" width="{picture.width}" height="{picture.height}" '
        f'loading="lazy" decoding="async">'
    )
    if caption:
        html += f"<figcaption>{escape(caption, quote=False)}</figcaption>"
    return html + "</figure>\n"


def _lookup(stem: str) -> Picture | None:
    return _find_picture(stem) if _find_picture is not None else None


def _with_pictures(tokens: list[Token]) -> tuple[list[Token], set[str], int]:
    """Lone stored pictures become figures; every other image becomes its alt text.

    Returns the tokens, the media prefixes the figures use, and how many images were dropped.
    """
    result: list[Token] = []
    prefixes: set[str] = set()
    dropped = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (
            token.type == "paragraph_open"
            and index + 2 < len(tokens)
            and tokens[index + 2].type == "paragraph_close"
            and (image := lone_picture(tokens[index + 1])) is not None
            and (picture := _lookup(picture_stem(str(image.attrGet("src"))))) is not None
        ):
            figure = Token("html_block", "", 0, content=_figure(image, picture), block=True)
            result.append(figure)
            prefixes.add(picture.prefix)
            index += 3
            continue
        if token.type == "inline" and token.children:
            dropped += sum(1 for c in token.children if c.type == "image")
            token.children = [
                Token("text", "", 0, content=picture_alt(c)) if c.type == "image" else c
                for c in token.children
            ]
        result.append(token)
        index += 1
    return result, prefixes, dropped


def sanitize(html: str, *, picture_prefixes: frozenset[str] | set[str] = frozenset()) -> str:
    """Keep only the tags a news body needs; drops scripts, handlers and javascript: URLs.

    An `<img>` keeps its addresses only when they point at our own media route.
    """

    def only_our_pictures(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute in ("src", "srcset"):
            parts = [p.strip() for p in value.split(",")] if attribute == "srcset" else [value]
            ours = all(any(p.startswith(prefix) for prefix in picture_prefixes) for p in parts)
            return value if ours and parts else None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=only_our_pictures,
    )


def _demote_headings(html: str) -> str:
    # the headline is the page's only h1; body headings start at h2
    return re.sub(r"<(/?)h1>", r"<\1h2>", html)


def render_body(markdown_text: str) -> str:
    """Markdown source to safe HTML, with stored pictures as figures."""
    env: dict = {}
    tokens, prefixes, _ = _with_pictures(_markdown.parse(markdown_text or "", env))
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return sanitize(_demote_headings(html), picture_prefixes=prefixes)


def unshown_pictures(markdown_text: str) -> int:
    """How many pictures of a body readers would not see (not stored here, or inside a sentence)."""
    return _with_pictures(_markdown.parse(markdown_text or "", {}))[2]


def count_words(*texts: str) -> int:
    """Words across the given texts, for reading time."""
    return sum(len(re.findall(r"\w+", t or "")) for t in texts)
