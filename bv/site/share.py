"""Plain share links for an article: each is a public share address, no script, no tracking."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask_babel import gettext as _


def share_links(url: str, headline: str) -> list[tuple[str, str]]:
    """(label, href) for e-mail and the networks our readers use, in that order."""
    return [
        # mailto takes RFC 6068 percent-encoding: spaces as %20, never "+"
        (_("E-mail"), f"mailto:?subject={quote(headline)}&body={quote(url, safe='')}"),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/tweet?" + urlencode({"text": headline, "url": url})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": headline})),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{headline} {url}"})),
    ]
