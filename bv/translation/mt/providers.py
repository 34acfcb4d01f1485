"""Adapters: deep-translator's Google, MyMemory, Microsoft and LibreTranslate, and DeepL's client.

The libraries (and requests) are imported inside the adapters, when one runs: a web worker
that only serves pages never loads them. Every adapter turns the library's failures into MTError subclasses; base.Provider does the
packing, retries and counting. Base URLs are configurable so tests can point them at local fakes.
"""

from __future__ import annotations

import functools
import html
import json

from bv.translation.mt import transport
from bv.translation.mt.base import Provider
from bv.translation.mt.errors import (
    MTAuthError,
    MTBadResponse,
    MTError,
    MTNetworkError,
    MTNotConfigured,
    MTQuotaExceeded,
    MTRateLimited,
    MTTextTooLong,
    MTTimeout,
    MTUnsupportedLanguage,
)
from bv.translation.mt.llm import LLM
from bv.translation.mt.placeholders import HTML, TEXT


class _DeepTranslatorProvider(Provider):
    """Shared error mapping for deep-translator's exceptions."""

    def _map(self, exc: Exception, source: str, target: str) -> MTError:
        from deep_translator import exceptions as dt

        state = transport.current()
        kw = {"provider": self.name, "status": state.last_status, "detail": str(exc)}
        if isinstance(exc, dt.TooManyRequests):
            return MTRateLimited(self.label, **kw)
        if isinstance(exc, dt.NotValidLength):
            return MTTextTooLong(self.label, self.max_size, **kw)
        if isinstance(exc, dt.LanguageNotSupportedException | dt.InvalidSourceOrTargetLanguage):
            return MTUnsupportedLanguage(self.label, source, target, **kw)
        if isinstance(exc, dt.RequestError | dt.ServerException):
            return self.status_error(state.last_status, state.last_text or str(exc),
                                     source=source, target=target)
        return MTBadResponse(self.label, **kw)


class Google(_DeepTranslatorProvider):
    """deep-translator's GoogleTranslator: the web endpoint, no key, plain text."""

    name = "google"
    label = "Google Translate"
    markup = TEXT
    # deep-translator refuses 5,000 characters and more
    max_size = 4999

    def _request(self, texts, source, target, markup=None):
        import requests
        from deep_translator import GoogleTranslator

        transport.install()
        client = GoogleTranslator(source=source, target=target)
        url = self.settings.get("GOOGLE_TRANSLATE_URL")
        if url:
            client._base_url = url
        try:
            answer = client.translate(texts[0])
        except (requests.exceptions.RequestException, MTError):
            raise
        except Exception as exc:  # deep-translator and BeautifulSoup errors
            raise self._map(exc, source, target) from exc
        # it answers None when Google echoes a text without letters
        if answer is None:
            return [texts[0].strip()]
        if not isinstance(answer, str):
            raise MTBadResponse(self.label, provider=self.name, detail=repr(answer)[:200])
        return [answer]


MYMEMORY_URL = "https://api.mymemory.translated.net/get"


class MyMemory(_DeepTranslatorProvider):
    """deep-translator's MyMemoryTranslator: free, 500 bytes per request, regional codes."""

    name = "mymemory"
    label = "MyMemory"
    markup = TEXT
    # MyMemory counts 500 bytes; deep-translator also wants fewer than 500 characters
    max_size = 499
    codes = {"sq": "sq-AL", "mk": "mk-MK", "en": "en-GB"}
    _warnings = {
        "MYMEMORY WARNING": MTQuotaExceeded,
        "INVALID LANGUAGE PAIR": MTUnsupportedLanguage,
        "PLEASE SELECT TWO DISTINCT LANGUAGES": MTUnsupportedLanguage,
        "QUERY LENGTH LIMIT EXCEEDED": MTTextTooLong,
    }

    def size(self, text: str) -> int:
        return len(text.encode("utf-8"))

    def _request(self, texts, source, target, markup=None):
        import requests
        from deep_translator import MyMemoryTranslator

        transport.install()
        email = self.settings.get("MYMEMORY_EMAIL")
        client = MyMemoryTranslator(source=self.codes[source], target=self.codes[target],
                                    **({"email": email} if email else {}))
        # deep-translator's built-in address is plain http; unpublished text travels encrypted
        client._base_url = self.settings.get("MYMEMORY_URL") or MYMEMORY_URL
        try:
            answer = client.translate(texts[0])
        except (requests.exceptions.RequestException, MTError):
            raise
        except Exception as exc:
            raise self._map(exc, source, target) from exc
        if not isinstance(answer, str):
            raise MTBadResponse(self.label, provider=self.name, detail=repr(answer)[:200])
        # MyMemory reports quota and input errors as HTTP 200 with the message as the "translation"
        shouting = answer == answer.upper()
        for marker, error in self._warnings.items():
            if shouting and marker in answer:
                kw = {"provider": self.name, "detail": answer[:200]}
                if error is MTUnsupportedLanguage:
                    raise error(self.label, source, target, **kw)
                if error is MTTextTooLong:
                    raise error(self.label, self.max_size, **kw)
                raise error(self.label, **kw)
        return [html.unescape(answer)]


@functools.cache
def _microsoft_client() -> type:
    """MicrosoftTranslator without its network call at construction, sending lists as HTML."""
    from deep_translator import MicrosoftTranslator
    from deep_translator import microsoft as dt_microsoft

    transport.install()

    class MicrosoftClient(MicrosoftTranslator):
        def _get_supported_languages(self):
            # the parent fetches the list from Microsoft in __init__; ours are known to be supported
            return {"albanian": "sq", "macedonian": "mk", "english": "en"}

        def post_many(self, texts: list[str], text_type: str = "html"):
            """One request with many texts (the API takes up to 1,000)."""
            params = dict(self._url_params, **{"from": self._source, "to": self._target,
                                               "textType": text_type})
            return dt_microsoft.requests.post(self._base_url, params=params, headers=self.headers,
                                              json=[{"Text": t} for t in texts],
                                              proxies=self.proxies)

    return MicrosoftClient


class Microsoft(Provider):
    """Azure AI Translator via deep-translator's MicrosoftTranslator (BV_MICROSOFT_API_KEY)."""

    name = "microsoft"
    label = "Microsoft Translator"
    markup = HTML
    native_batch = True
    max_items = 1000
    max_size = 50000

    def __init__(self, settings, *args, **kwargs):
        super().__init__(settings, *args, **kwargs)
        self.key = settings.get("MICROSOFT_API_KEY")
        if not self.key:
            raise MTNotConfigured(self.label, "BV_MICROSOFT_API_KEY", provider=self.name)

    def _request(self, texts, source, target, markup=None):
        markup = markup or self.markup_for(source, target)
        client = _microsoft_client()(source=source, target=target, api_key=self.key,
                                  region=self.settings.get("MICROSOFT_REGION"))
        url = self.settings.get("MICROSOFT_URL")
        if url:
            client._base_url = url
        response = client.post_many(texts, "html" if markup == HTML else "plain")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not isinstance(body, list):
            # {"error": {"code": 400035, "message": ...}}, or whatever a proxy put there
            error = body.get("error") if isinstance(body, dict) else None
            if not isinstance(error, dict):
                error = {"message": error} if isinstance(error, str) else {}
            code = error.get("code")
            code = int(code) if isinstance(code, int | str) and str(code).isdigit() else 0
            message = str(error.get("message") or response.text[:200])
            if code in (400035, 400036):
                raise MTUnsupportedLanguage(self.label, source, target, provider=self.name,
                                            status=response.status_code, detail=message)
            if code == 400050:
                raise MTTextTooLong(self.label, self.max_size, provider=self.name,
                                    status=response.status_code, detail=message)
            raise self.status_error(response.status_code or None, message, source=source,
                                    target=target)
        try:
            return [_text(item["translations"][0]["text"]) for item in body]
        except (KeyError, IndexError, TypeError) as exc:
            raise MTBadResponse(self.label, provider=self.name, detail=str(exc)) from exc


@functools.cache
def _libre_client() -> type:
    """LibreTranslator that accepts sq and mk, and sends HTML in the request body."""
    from deep_translator import LibreTranslator
    from deep_translator import libre as dt_libre

    transport.install()

    class LibreClient(LibreTranslator):
        def __init__(self, source: str, target: str, *, url: str, api_key: str | None):
            # its language map lacks sq and mk: construct with codes it accepts, then set ours;
            # it insists on an api_key even for servers that need none
            super().__init__(source="en", target="en", api_key=api_key or "unused",
                             custom_url=url if url.endswith("/") else url + "/")
            self._source, self._target = source, target
            self._send_key = bool(api_key)

        def post_html(self, text: str, text_format: str = "html"):
            """POST /translate with format=html, as a form body (no URL length limit to hit)."""
            data = {"q": text, "source": self._source, "target": self._target,
                    "format": text_format}
            if self._send_key:
                data["api_key"] = self.api_key
            return dt_libre.requests.post(self._base_url + "translate", data=data)

    return LibreClient


class LibreTranslate(Provider):
    """A LibreTranslate server (BV_LIBRETRANSLATE_URL, optional BV_LIBRETRANSLATE_API_KEY)."""

    name = "libretranslate"
    label = "LibreTranslate"
    markup = HTML

    def __init__(self, settings, *args, **kwargs):
        super().__init__(settings, *args, **kwargs)
        self.url = settings.get("LIBRETRANSLATE_URL")
        if not self.url:
            raise MTNotConfigured(self.label, "BV_LIBRETRANSLATE_URL", provider=self.name)
        self.max_size = int(settings.get("LIBRETRANSLATE_MAX_CHARS", 5000))

    def _request(self, texts, source, target, markup=None):
        markup = markup or self.markup_for(source, target)
        client = _libre_client()(source, target, url=str(self.url),
                              api_key=self.settings.get("LIBRETRANSLATE_API_KEY"))
        response = client.post_html(texts[0], "html" if markup == HTML else "text")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not isinstance(body, dict):
            message = body.get("error", "") if isinstance(body, dict) else response.text[:200]
            raise self.status_error(response.status_code, str(message), source=source,
                                    target=target)
        answer = body.get("translatedText")
        if not isinstance(answer, str):
            raise MTBadResponse(self.label, provider=self.name, detail=str(body)[:200])
        return [answer]


class DeepL(Provider):
    """DeepL through the official `deepl` client (BV_DEEPL_API_KEY, optional BV_DEEPL_SERVER_URL)."""

    name = "deepl"
    label = "DeepL"
    markup = HTML
    native_batch = True
    # DeepL takes 50 texts and a 128 KiB body per request
    max_items = 50
    max_size = 128 * 1024 - 2048
    codes = {"sq": "SQ", "mk": "MK", "en": "EN"}
    # DeepL's language table: text only for these (no tag_handling, no glossaries); it answers
    # a request with tag_handling in them with HTTP 400
    text_only = frozenset({"sq", "mk"})

    def __init__(self, settings, *args, **kwargs):
        super().__init__(settings, *args, **kwargs)
        self.key = settings.get("DEEPL_API_KEY")
        if not self.key:
            raise MTNotConfigured(self.label, "BV_DEEPL_API_KEY", provider=self.name)

    def markup_for(self, source: str, target: str) -> str:
        return TEXT if {source, target} & self.text_only else HTML

    def size(self, text: str) -> int:
        # requests sends JSON with ASCII escapes: a Cyrillic letter costs six bytes
        return len(json.dumps(text)) + 2

    def _request(self, texts, source, target, markup=None):
        import deepl
        import requests

        markup = markup or self.markup_for(source, target)
        translator = deepl.Translator(str(self.key), server_url=self.settings.get("DEEPL_SERVER_URL"),
                                      send_platform_info=False)
        translator._client.close()
        translator._client = transport.single_attempt_client()(send_platform_info=False)
        target_code = (str(self.settings.get("DEEPL_ENGLISH", "EN-GB")).upper()
                       if target == "en" else self.codes[target])
        kw = {"provider": self.name}
        options = {"tag_handling": "xml"} if markup == HTML else {}
        try:
            results = translator.translate_text(texts, source_lang=self.codes[source],
                                                target_lang=target_code, **options)
            return [_text(r.text) for r in results]
        except deepl.AuthorizationException as exc:
            raise MTAuthError(self.label, status=exc.http_status_code, detail=str(exc), **kw) from exc
        except deepl.QuotaExceededException as exc:
            raise MTQuotaExceeded(self.label, status=exc.http_status_code, detail=str(exc),
                                  **kw) from exc
        except deepl.TooManyRequestsException as exc:
            raise MTRateLimited(self.label, status=429, detail=str(exc), **kw) from exc
        except deepl.ConnectionException as exc:
            if isinstance(exc.__cause__, requests.exceptions.Timeout):
                raise MTTimeout(self.label, self.settings.timeout, detail=str(exc), **kw) from exc
            raise MTNetworkError(self.label, detail=str(exc), **kw) from exc
        except deepl.DeepLException as exc:
            raise self.status_error(exc.http_status_code, str(exc), source=source,
                                    target=target) from exc
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            # the client read a reply that lacks or mistypes a field it relies on
            raise MTBadResponse(self.label, detail=f"{type(exc).__name__}: {exc}",
                                **kw) from exc
        finally:
            translator.close()


def _text(value) -> str:
    """A translation from a parsed answer, which must be a string."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


PROVIDERS: dict[str, type[Provider]] = {
    cls.name: cls for cls in (Google, MyMemory, Microsoft, LibreTranslate, DeepL, LLM)
}
