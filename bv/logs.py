"""Logs an operator can follow: a request id on every line, and JSON lines on request.

The id comes from the proxy's `X-Request-ID` when it is a safe token, otherwise it is made
here; it is echoed in the response, so a reader's report, the proxy's log and ours meet.
`BV_LOG_FORMAT=json` writes one JSON object per line (python-json-logger).
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
# letters, digits and a few separators: nothing that could forge a log line or a header
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
TEXT_FORMAT = "[%(asctime)s] %(levelname)s %(request_id)s in %(module)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def safe_request_id(offered: str | None) -> str:
    """The proxy's id when it is a safe token, else a new one."""
    return offered if offered and SAFE_ID.fullmatch(offered) else uuid.uuid4().hex


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    current = g.get("request_id")
    if current is None:
        current = g.request_id = safe_request_id(request.headers.get(HEADER))
    return current


class RequestIdFilter(logging.Filter):
    """Puts the request id on every record, so formats may name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def assign_request_id() -> None:
    """before_request, first of all: fix the id before anything logs."""
    request_id()


def echo_request_id(response):
    """after_request: the id goes back to the proxy and the browser."""
    response.headers[HEADER] = request_id()
    return response


def configure_logging(app: Flask) -> None:
    """Text lines (Flask's handler, with the id) or JSON lines, on standard error.

    The app's logger is one per process ("bv"), so a second app replaces, never adds to,
    the handler an earlier one installed.
    """
    logger = app.logger
    for handler in list(logger.handlers):
        if getattr(handler, "bv_json", False):
            logger.removeHandler(handler)
    if str(app.config.get("LOG_FORMAT", "text")).lower() == "json":
        logger.removeHandler(default_handler)
        handler = logging.StreamHandler()
        handler.bv_json = True
        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level"}))
    else:
        handler = default_handler
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
        handler.addFilter(RequestIdFilter())
    if handler not in logger.handlers:
        logger.addHandler(handler)


def init_app(app: Flask) -> None:
    """Request ids on every request and response, and the log format."""
    app.before_request_funcs.setdefault(None, []).insert(0, assign_request_id)
    app.after_request(echo_request_id)
    configure_logging(app)
