"""WordPress post HTML (blocks, wpautop breaks, shortcodes) to the article's Markdown.

markdownify does the HTML to Markdown work; what is WordPress-specific (block comments,
shortcodes, captions, embeds, uploads URLs) is turned into plain HTML first. Images become
`![alt](image:<stem> "caption")`, the body syntax the reading site renders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape

import lxml.html
from lxml import etree

# blocks whose HTML converts as it is; anything else is reported (its HTML is still kept)
KNOWN_BLOCKS = {
    "paragraph", "heading", "list", "list-item", "quote", "pullquote", "image", "gallery",
    "embed", "separator", "spacer", "more", "html", "freeform", "preformatted", "code",
    "table", "group", "columns", "column", "verse", "nextpage",
}
KNOWN_SHORTCODES = {"caption", "wp_caption", "embed", "gallery"}
BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9_/-]+)(\s+\{.*?\})?\s*/?\s*-->", re.S)
MORE_COMMENT = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.S)
CAPTION = re.compile(r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.S)
EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S)
GALLERY = re.compile(r"\[gallery([^\]]*)\]")
SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s[^\]]*)?)\]")
ATTRIBUTE = re.compile(r'(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*\'([^\']*)\'|(\w+)\s*=\s*(\S+)')
BLOCK_TAGS = ("<p", "<h", "<ul", "<ol", "<blockquote", "<figure", "<div", "<table", "<pre",
              "<hr", "<iframe")
ELLIPSIS_TAIL = re.compile(r"\s*(\[(…|\.\.\.|&hellip;)\]|…|\.\.\.)\s*$")
WP_IMAGE_CLASS = re.compile(r"wp-image-(\d+)")


@dataclass
class Converted:
    """A post's body in Markdown, its lede candidate, and what could not be brought over."""

    markdown: str
    first_paragraph: str = ""
    unsupported: list[str] = field(default_factory=list)


# (src URL, attachment id or None) -> image stem, or None when the file is missing
ImageResolver = Callable[[str, int | None], str | None]
# attachment id -> (URL, caption, alt)
AttachmentLookup = Callable[[int], tuple[str, str, str] | None]


def attributes(text: str) -> dict[str, str]:
    """Shortcode attributes (`ids="1,2" align=left`) as a dict."""
    out = {}
    for m in ATTRIBUTE.finditer(text or ""):
        key = m.group(1) or m.group(3) or m.group(5)
        value = m.group(2) if m.group(1) else m.group(4) if m.group(3) else m.group(6)
        out[key.lower()] = value
    return out


def autop(html: str) -> str:
    """WordPress's wpautop, simplified: blank lines make paragraphs, single newlines breaks."""
    out = []
    for chunk in re.split(r"\n\s*\n", html.replace("\r\n", "\n")):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.lower().startswith(BLOCK_TAGS):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _figure(img_html: str, caption: str) -> str:
    return f"<figure>{img_html}<figcaption>{caption}</figcaption></figure>"


def convert(html: str, *, resolve_image: ImageResolver, attachment: AttachmentLookup,
            take_lede: bool) -> Converted:
    """Convert one post's `content:encoded`."""
    unsupported: list[str] = []
    text = html or ""
    for m in BLOCK_COMMENT.finditer(text):
        name = m.group(2)
        short = name.split("/", 1)[1] if name.startswith("core/") else name
        if short.startswith("core-embed/"):
            continue
        if short not in KNOWN_BLOCKS and f"block:{name}" not in unsupported:
            unsupported.append(f"block:{name}")
    text = BLOCK_COMMENT.sub("", text)
    text = MORE_COMMENT.sub("", text)

    def caption(m):
        inner = m.group(2)
        img = re.search(r"<a[^>]*>\s*<img[^>]*>\s*</a>|<img[^>]*>", inner, re.S)
        if img is None:
            return inner
        words = (inner[: img.start()] + inner[img.end():]).strip()
        words = words or attributes(m.group(1)).get("caption", "")
        return _figure(img.group(0), words)

    def embed(m):
        url = unescape(m.group(1).strip())
        return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'

    def gallery(m):
        ids = [int(x) for x in re.findall(r"\d+", attributes(m.group(1)).get("ids", ""))]
        if not ids:
            unsupported.append("shortcode:gallery")
            return ""
        parts = []
        for attachment_id in ids:
            found = attachment(attachment_id)
            if found is None:
                parts.append(f'<img src="" class="wp-image-{attachment_id}">')
                continue
            url, words, alt = found
            parts.append(_figure(
                f'<img src="{escape(url)}" alt="{escape(alt)}" class="wp-image-{attachment_id}">',
                escape(words)))
        return "\n".join(parts)

    text = CAPTION.sub(caption, text)
    text = EMBED.sub(embed, text)
    text = GALLERY.sub(gallery, text)

    def other(m):
        name = m.group(2)
        if name not in KNOWN_SHORTCODES and f"shortcode:{name}" not in unsupported:
            unsupported.append(f"shortcode:{name}")
        return ""

    text = SHORTCODE.sub(other, text)
    if "<p" not in text.lower():
        text = autop(text)
    if not text.strip():
        return Converted("", "", unsupported)
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    _embeds(root)
    _images(root, resolve_image)
    first = ""
    if take_lede:
        for p in root.iter("p"):
            words = " ".join(p.text_content().split())
            if words and not p.findall(".//img"):
                first = ELLIPSIS_TAIL.sub("", words)
                p.drop_tree()
                break
    from markdownify import markdownify  # imports only: not loaded by reading workers

    body = markdownify(etree.tostring(root, encoding="unicode", method="html"),
                       heading_style="ATX", bullets="-", escape_underscores=False)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    body = "\n".join(line.rstrip() for line in body.splitlines())
    return Converted(body, first, unsupported)


def _embeds(root) -> None:
    """Embeds and iframes become links: readers follow them to the video or post."""
    for fig in list(root.iter("figure")):
        if "wp-block-embed" in (fig.get("class") or ""):
            url = " ".join(fig.text_content().split()).split(" ")[0]
            _replace_with_link(fig, url)
    for frame in list(root.iter("iframe")):
        _replace_with_link(frame, frame.get("src") or "")


def _replace_with_link(el, url: str) -> None:
    if not url:
        el.drop_tree()
        return
    p = lxml.html.Element("p")
    a = lxml.html.Element("a", href=url)
    a.text = url
    p.append(a)
    p.tail = el.tail
    el.getparent().replace(el, p)


def _images(root, resolve_image: ImageResolver) -> None:
    """Figures and images point at imported pictures; captions travel as the image title."""
    for fig in list(root.iter("figure")):
        img = fig.find(".//img")
        if img is None:
            continue
        cap = fig.find(".//figcaption")
        words = " ".join(cap.text_content().split()) if cap is not None else ""
        new = _image(img, resolve_image, words)
        p = lxml.html.Element("p")
        if new is not None:
            p.append(new)
        p.tail = fig.tail
        fig.getparent().replace(fig, p)
    for img in list(root.iter("img")):
        if (img.get("src") or "").startswith("image:"):
            continue
        new = _image(img, resolve_image, img.get("title") or "")
        parent = img.getparent()
        # a linked image: the link went to the full-size file on the old site
        holder = parent if parent.tag == "a" and len(parent) == 1 else img
        if new is None:
            holder.drop_tree()
        else:
            new.tail = holder.tail
            holder.getparent().replace(holder, new)


def _image(img, resolve_image: ImageResolver, caption: str):
    match = WP_IMAGE_CLASS.search(img.get("class") or "")
    stem = resolve_image(img.get("src") or "", int(match.group(1)) if match else None)
    if stem is None:
        return None
    new = lxml.html.Element("img", src=f"image:{stem}",
                            alt=" ".join((img.get("alt") or "").split()))
    if caption:
        new.set("title", caption.replace('"', "”"))
    return new


def plain(html: str) -> str:
    """Text of an HTML snippet (an excerpt), on one line, without a "[…]" tail."""
    if not (html or "").strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return ELLIPSIS_TAIL.sub("", " ".join(root.text_content().split()))
