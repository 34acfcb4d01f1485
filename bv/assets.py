"""Static files under content-hashed names (site.3f2a9c81d0e4.css), cached for a year.

`url_for('static', filename='site.css')` gives the hashed name, so a changed file gets a new
address and browsers may keep every address forever (`immutable`). The manifest is built
once when the app starts, from the files deployed with it; the plain names keep working.

Chosen over Flask-Static-Digest (last release 2024): it needs a build step writing copies
into the package and a different url_for in every template, where a url_defaults hook and
one view do the same with the files as they are.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound

ONE_YEAR = 365 * 24 * 3600
DIGEST_LENGTH = 12
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
EXTENSION = "bv_assets"


def digest_of(path: Path) -> str:
    """The first hex digits of the file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]


def hashed_name(name: str, digest: str) -> str:
    """icons/icon-192.png -> icons/icon-192.<digest>.png"""
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def build_manifest(folder: Path) -> dict[str, str]:
    """Every static file's name (with / separators) mapped to its hashed name."""
    manifest = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            manifest[name] = hashed_name(name, digest_of(path))
    return manifest


def _manifest() -> dict[str, str]:
    return current_app.extensions[EXTENSION]["manifest"]


def add_digest(endpoint: str, values: dict) -> None:
    """url_defaults: links to a static file name its current content."""
    if endpoint != "static":
        return
    hashed = _manifest().get(values.get("filename", ""))
    if hashed:
        values["filename"] = hashed


def _unhashed(filename: str) -> str | None:
    """dir/site.<digest>.css -> dir/site.css, or None for a name without a digest."""
    prefix, slash, name = filename.rpartition("/")
    match = HASHED_NAME.match(name)
    if match is None:
        return None
    return f"{prefix}{slash}{match['stem']}{match['suffix']}"


def serve_static(filename: str):
    """A hashed name of the current file is kept for a year; any other name revalidates."""
    original = current_app.extensions[EXTENSION]["originals"].get(filename)
    if original is not None:
        response = send_from_directory(current_app.static_folder, original, max_age=ONE_YEAR)
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response
    try:
        return current_app.send_static_file(filename)
    except NotFound:
        # an address from an older deploy: the file as it is now, checked again next time
        original = _unhashed(filename)
        if original is None:
            raise
        return current_app.send_static_file(original)


def init_app(app: Flask) -> None:
    """Hash the static files once; in debug mode (files being edited) keep plain names."""
    manifest = {} if app.debug else build_manifest(Path(app.static_folder))
    app.extensions[EXTENSION] = {
        "manifest": manifest,
        "originals": {hashed: name for name, hashed in manifest.items()},
    }
    if manifest:
        app.url_defaults(add_digest)
        app.view_functions["static"] = serve_static
