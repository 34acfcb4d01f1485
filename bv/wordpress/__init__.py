"""Moving a WordPress newsroom into bv: the WXR importer and the redirects from old URLs."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from bv.wordpress.wxr import BadExport

BAD_EXPORT_MESSAGES = {
    "not_xml": _l("The file is not XML, so it is not a WordPress export."),
    "not_wxr": _l("The file is XML but not a WordPress export (WXR)."),
    "truncated": _l("The file ends too early (near line %(line)s): it looks cut off. "
                    "Export it again."),
    "unknown_version": _l("This WordPress export has version %(version)s, which the importer "
                          "does not know (it reads 1.0 to 1.2)."),
    "broken_serialized": _l("The language links of %(term)s cannot be read: the serialized "
                            "data in the export is broken."),
    "unknown_language": _l("The post %(post)s is in the language \"%(language)s\", which this "
                           "site does not publish."),
    "duplicate_slug": _l("Posts %(first)s and %(second)s share the address \"%(slug)s\" in "
                         "the same language."),
    "too_large": _l("The post %(post)s is too large to be an article (%(size)s characters)."),
}


def message_for(error: BadExport) -> str:
    """The reader's message for a refused export; nothing was changed."""
    template = BAD_EXPORT_MESSAGES.get(error.code, BAD_EXPORT_MESSAGES["not_wxr"])
    return str(template) % error.params if error.params else str(template)


def init_app(app: Flask) -> None:
    """The `flask wordpress` commands."""
    from bv.wordpress import cli

    app.cli.add_command(cli.wordpress)
