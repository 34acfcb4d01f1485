"""Where a "go back" or "continue to" redirect may lead: only ever a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app, redirect, request


def safe_next(target: str | None, default: str, *, under: str = "/") -> str:
    """`target` as a same-site path (with its query) when it is one under `under`, else `default`.

    Accepts a relative path, or an absolute URL naming this request's host or SITE_URL's;
    refuses other hosts, protocol-relative `//host`, backslashes, control characters and
    dot segments, which browsers would resolve somewhere else.
    """
    if not target or len(target) > 2048:
        return default
    # browsers drop tabs and line breaks inside URLs, so "/\t/evil.example" is "//evil.example"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) or "\\" in target:
        return default
    if target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        own = {request.host, urlsplit(current_app.config["SITE_URL"]).netloc}
        if parts.scheme not in ("http", "https") or parts.netloc not in own:
            return default
    path = parts.path
    if not path.startswith("/") or path.startswith("//"):
        return default
    decoded = unquote(path)
    if "\\" in decoded or decoded.startswith("//"):
        return default
    if any(segment in (".", "..") for segment in decoded.split("/")):
        return default
    if not (path + "/").startswith(under if under.endswith("/") else under + "/"):
        return default
    return path + (f"?{parts.query}" if parts.query else "")


def go_back(default: str, *, under: str = "/"):
    """Redirect to the page the request came from when it is on this site, else to `default`."""
    return redirect(safe_next(request.referrer, default, under=under))
