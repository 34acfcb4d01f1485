"""HTTP plumbing for the adapters: a timeout on every call, without patching `requests` itself.

Nothing of requests, deep-translator or deepl is imported until a provider runs (`install()`,
`http_run()`, `single_attempt_client()`): a web worker that only serves pages never loads them.

deep-translator calls `requests.get(...)` / `requests.post(...)` with no timeout, looking
`requests` up as an attribute of its own modules at call time. We point that attribute (in
deep_translator.google, .mymemory, .libre and .microsoft only) at `RequestsWithTimeout`, which
behaves exactly like the module but adds the timeout of the current run and remembers the last
HTTP status (deep-translator's Google and MyMemory errors do not carry it). The per-run values
live in a ContextVar, so concurrent runs in other threads each see their own; outside a run the
default timeout still applies. The `deepl` client gets `SingleAttemptHttpClient`: our timeout,
and no internal retry loop (retries are ours, configured once for every provider).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

DEFAULT_TIMEOUT = 10.0


@dataclass
class CallState:
    """What one run's HTTP calls share: timeout, a keep-alive session, the last status seen."""

    timeout: float = DEFAULT_TIMEOUT
    session: requests.Session | None = None
    last_status: int | None = None
    last_text: str = field(default="", repr=False)
    # seconds the last 429/503 answer asked us to wait (its Retry-After), if it said
    last_retry_after: float | None = None
    # seconds this run has already spent waiting on Retry-After answers
    waited: float = 0.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delay-seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def note_answer(state: CallState, status: int | None, headers) -> None:
    """Remember an answer's status and, on 429 or 503, how long it asked us to wait."""
    state.last_status = status
    state.last_retry_after = (parse_retry_after(headers.get("Retry-After"))
                              if status in (429, 503) and headers is not None else None)


_state: ContextVar[CallState | None] = ContextVar("bv_mt_call_state", default=None)


def active() -> CallState | None:
    """The state of the run in progress here, if any."""
    return _state.get()


def current() -> CallState:
    """The state of the run in progress here, or a default with the standard timeout."""
    return _state.get() or CallState()


@contextmanager
def http_run(timeout: float) -> Iterator[CallState]:
    """Within this block, every provider call here uses `timeout` and one pooled session."""
    import requests

    state = CallState(timeout=timeout, session=requests.Session())
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)
        state.session.close()


class RequestsWithTimeout:
    """Stands in for the `requests` module inside deep_translator's modules."""

    def __getattr__(self, name):
        import requests

        # exceptions, codes, Session...: the real module's
        return getattr(requests, name)

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """requests.request with the run's timeout and session."""
        import requests

        state = _state.get()
        kwargs.setdefault("timeout", state.timeout if state else DEFAULT_TIMEOUT)
        if state is None:
            return requests.request(method, url, **kwargs)
        state.last_status = state.last_retry_after = None
        response = state.session.request(method, url, **kwargs)
        note_answer(state, response.status_code, response.headers)
        state.last_text = response.text[:500] if response.status_code >= 400 else ""
        return response

    def get(self, url: str, params=None, **kwargs) -> requests.Response:
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data=None, json=None, **kwargs) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)


REQUESTS = RequestsWithTimeout()
_install_lock = threading.Lock()


def install() -> None:
    """Point deep-translator's modules at RequestsWithTimeout (idempotent); every adapter
    built on deep-translator calls it before its first request."""
    from deep_translator import google, libre, microsoft, mymemory

    with _install_lock:
        for module in (google, mymemory, libre, microsoft):
            if module.requests is not REQUESTS:
                module.requests = REQUESTS


@functools.cache
def single_attempt_client() -> type:
    """deepl's HTTP client class with the run's timeout and a single attempt per request.

    It overrides `request_with_backoff` and reuses the client's own `_prepare_request` and
    `_internal_request` (deepl 1.16 to 1.32), so headers, user agent and error wrapping stay theirs.
    """
    from deepl import http_client as deepl_http

    class SingleAttemptHttpClient(deepl_http.HttpClient):
        def request_with_backoff(self, method, url, data, json, headers, stream=False, **kwargs):
            state = current()
            state.last_status = state.last_retry_after = None
            request = self._prepare_request(method, url, data, json, headers, **kwargs)
            # the client keeps only status and body; a hook sees the headers (Retry-After)
            request.register_hook("response",
                                  lambda r, *a, **k: note_answer(state, r.status_code, r.headers))
            status, content = self._internal_request(request, stream=stream,
                                                     timeout=state.timeout)
            state.last_status = status
            return status, content

    return SingleAttemptHttpClient
