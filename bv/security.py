"""Security headers on every response: CSP without inline code, framing, sniffing, referrers, HSTS.

A small after-request hook instead of Flask-Talisman: its last release (1.1.0) dates from 2023,
it sets policies per view rather than per area, and it redirects to https and rewrites the
session-cookie settings that bv.config already derives from SITE_URL.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, Response, abort, current_app, request

from bv.database import utcnow
from bv.settings import settings_for

bp = Blueprint("security", __name__)

# the staff area: its pages hold drafts and forms, so nobody may frame them
STAFF_PREFIX = "/newsroom"

# every asset is local (no CDN) and no template carries inline script, style or handlers;
# JSON-LD blocks are data (type application/ld+json), which browsers never run, so no nonce
BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
PUBLIC_FRAMES = "'self'"
STAFF_FRAMES = "'none'"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def is_staff_request() -> bool:
    """True for the newsroom's pages, its JSON and its error pages."""
    path = request.path
    return path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/")


def serves_https() -> bool:
    """True when the configured public address (SITE_URL, BV_SITE_URL) is https."""
    return current_app.config["SITE_URL"].lower().startswith("https://")


def content_security_policy(staff: bool, https: bool) -> str:
    """The policy for one area of the site."""
    policy = dict(BASE_POLICY)
    policy["frame-ancestors"] = STAFF_FRAMES if staff else PUBLIC_FRAMES
    parts = [f"{name} {value}" for name, value in policy.items()]
    if https:
        parts.append("upgrade-insecure-requests")
    return "; ".join(parts)


def add_security_headers(response):
    """Set the headers unless a view chose its own."""
    staff = is_staff_request()
    https = serves_https()
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(staff, https))
    # older browsers ignore frame-ancestors; X-Frame-Options says the same to them
    headers.setdefault("X-Frame-Options", "DENY" if staff else "SAMEORIGIN")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # newsroom addresses name drafts: never send them to another site
    headers.setdefault(
        "Referrer-Policy", "same-origin" if staff else "strict-origin-when-cross-origin"
    )
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if staff:
        # drafts, forms and error pages of the newsroom alike: never kept by any cache
        headers.setdefault("Cache-Control", "private, no-store")
    if https:
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(current_app.config['HSTS_MAX_AGE'])}"
        )
    return response


def security_contact() -> str | None:
    """Where to report a vulnerability: SECURITY_EMAIL, else the outlet's e-mail in settings."""
    return current_app.config.get("SECURITY_EMAIL") or settings_for("").get("email") or None


@bp.get("/.well-known/security.txt")
def security_txt():
    """RFC 9116: how to report a vulnerability, for people and scanners."""
    contact = security_contact()
    if not contact:
        abort(404)
    base = current_app.config["SITE_URL"].rstrip("/")
    # the file must say when it goes stale; it is built on each request, so a year ahead
    expires = (utcnow() + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"Contact: mailto:{contact}",
        f"Expires: {expires}",
        "Preferred-Languages: sq, mk, en",
        f"Canonical: {base}/.well-known/security.txt",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def init_app(app: Flask) -> None:
    """Install the header hook for every response, error pages and static files included."""
    app.config.setdefault("HSTS_MAX_AGE", 365 * 24 * 3600)
    app.config.setdefault("SECURITY_EMAIL", None)
    app.after_request(add_security_headers)
    app.register_blueprint(bp)
