"""What can go wrong with machine translation, as a small hierarchy with localized messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from bv.i18n import LANGUAGE_NAMES


def language_name(code: str):
    """The language's name in the reader's language (lazy), or the code if it is not ours."""
    return LANGUAGE_NAMES.get(code, code)

class MTError(Exception):
    """A machine-translation failure: `code` for programs, `message` (localized) for people."""

    code = "error"
    # retried with back-off by the adapter; everything else moves on to the next provider
    retryable = False

    def __init__(self, message, *, provider: str | None = None, status: int | None = None,
                 detail: str = ""):
        self.message = message
        self.provider = provider
        self.status = status
        self.detail = detail
        super().__init__(self.log_text())

    def log_text(self) -> str:
        """An English one-liner for logs (the localized message is for the UI)."""
        parts = [self.code, self.provider or "-"]
        if self.status:
            parts.append(f"HTTP {self.status}")
        if self.detail:
            parts.append(self.detail[:300])
        return ": ".join(parts)


class MTNotConfigured(MTError):
    code = "not_configured"

    def __init__(self, label: str, setting: str, **kw):
        super().__init__(
            _l("%(provider)s is not configured: set %(setting)s.", provider=label, setting=setting),
            **kw,
        )


class MTNetworkError(MTError):
    code = "network"
    retryable = True

    def __init__(self, label: str, **kw):
        super().__init__(_l("Could not reach %(provider)s.", provider=label), **kw)


class MTTimeout(MTNetworkError):
    code = "timeout"

    def __init__(self, label: str, seconds: float, **kw):
        shown = f"{seconds:g}"
        MTError.__init__(
            self,
            _l("%(provider)s did not answer within %(seconds)s seconds.", provider=label,
               seconds=shown),
            **kw,
        )


class MTAuthError(MTError):
    code = "auth"

    def __init__(self, label: str, **kw):
        super().__init__(
            _l("%(provider)s rejected the API key; check it in the configuration.", provider=label),
            **kw,
        )


class MTRateLimited(MTError):
    code = "rate_limit"
    retryable = True

    def __init__(self, label: str, **kw):
        super().__init__(
            _l("%(provider)s is limiting requests; try again later.", provider=label), **kw
        )


class MTQuotaExceeded(MTError):
    code = "quota"

    def __init__(self, label: str, **kw):
        super().__init__(_l("The %(provider)s quota is used up.", provider=label), **kw)


class MTServerError(MTError):
    code = "server"
    retryable = True

    def __init__(self, label: str, **kw):
        super().__init__(_l("%(provider)s had a server error.", provider=label), **kw)


class MTTextTooLong(MTError):
    code = "too_long"

    def __init__(self, label: str, limit: int, **kw):
        super().__init__(
            _l("The text is too long for %(provider)s (limit: %(limit)s).", provider=label,
               limit=limit),
            **kw,
        )


class MTUnsupportedLanguage(MTError):
    code = "unsupported_language"

    def __init__(self, label: str, source: str, target: str, **kw):
        super().__init__(
            _l("%(provider)s cannot translate from %(source)s to %(target)s.", provider=label,
               source=language_name(source), target=language_name(target)),
            **kw,
        )


class MTBadResponse(MTError):
    """The provider refused the request (4xx) or answered something we cannot read."""

    code = "bad_response"

    def __init__(self, label: str, **kw):
        super().__init__(
            _l("%(provider)s sent an answer that could not be used.", provider=label), **kw
        )


class PlaceholderError(MTError):
    """A protected link, emphasis or glossary term came back missing, doubled or broken."""

    code = "placeholder"

    def __init__(self, **kw):
        super().__init__(
            _l("The machine translation damaged protected markup (links, emphasis or glossary "
               "terms) in this segment."),
            **kw,
        )


class AllProvidersFailed(MTError):
    """No provider in the chain could translate some segments; `errors` says why, per provider."""

    code = "all_failed"

    def __init__(self, source: str, target: str, errors: list[MTError], partial: dict):
        last = errors[-1].message if errors else _l("no provider is configured")
        self.errors = errors
        self.partial = partial
        super().__init__(
            _l("No machine translation service could translate from %(source)s to %(target)s "
               "(%(error)s).", source=language_name(source), target=language_name(target),
               error=last),
            detail="; ".join(e.log_text() for e in errors),
        )


class TranslationCancelled(Exception):
    """The caller's cancellation hook said stop; `partial` holds what was already translated."""

    def __init__(self, partial: dict | None = None):
        super().__init__("machine translation cancelled")
        self.partial = partial or {}
