"""The provider interface, with packing, splitting, retries and counting shared by every adapter."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import ClassVar

from bv.translation.mt import transport
from bv.translation.mt.errors import (
    MTBadResponse,
    MTError,
    MTNetworkError,
    MTServerError,
    MTTextTooLong,
    MTTimeout,
    TranslationCancelled,
)
from bv.translation.mt.placeholders import HTML, TEXT, TOKEN_PATTERNS, render_token, token_ids
from bv.translation.mt.settings import Settings

log = logging.getLogger(__name__)

LOCALES = frozenset({"sq", "mk", "en"})
_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")
_HTML_ITEM = re.compile(r"""<p\s+data-k\s*=\s*["']?(\d+)["']?\s*>(.*?)</p\s*>""", re.S | re.I)


@dataclass
class Usage:
    """How much a run asked of the providers: HTTP requests (retries included), characters
    sent, tokens (language models bill those), and (filled by memory.draft_segments) segments
    answered from memory instead."""

    requests: int = 0
    characters: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    memory_hits: int = 0
    by_provider: dict[str, dict[str, int]] = field(default_factory=dict)

    def _row(self, provider: str) -> dict[str, int]:
        # token keys appear only for providers that report tokens
        return self.by_provider.setdefault(provider, {"requests": 0, "characters": 0})

    def record(self, provider: str, characters: int) -> None:
        self.requests += 1
        self.characters += characters
        row = self._row(provider)
        row["requests"] += 1
        row["characters"] += characters

    def record_tokens(self, provider: str, prompt: int, completion: int) -> None:
        """Tokens one answer says it used (counted beside the request's characters)."""
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        row = self._row(provider)
        row["prompt_tokens"] = row.get("prompt_tokens", 0) + prompt
        row["completion_tokens"] = row.get("completion_tokens", 0) + completion

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class TranslationContext:
    """Context for one run: the article's headline, and the glossary terms that occur in its
    segments as (source term, required target)."""

    headline: str = ""
    glossary: tuple[tuple[str, str], ...] = ()


class Provider:
    """One machine-translation service.

    `translate(segments, source, target)` returns as many strings as it gets, in order. Segments
    are in `markup_for(source, target)` ("text" or "html", see placeholders.py). As many segments as
    fit go into one request; the answer is split back and checked, and if the split fails the
    batch is halved and sent again.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    # the markup for pairs whose languages all take it; see markup_for
    markup: ClassVar[str] = TEXT
    # True: the API takes a list of texts per request (DeepL, Microsoft); False: we pack
    native_batch: ClassVar[bool] = False
    max_items: ClassVar[int] = 200
    languages: ClassVar[frozenset[str]] = LOCALES
    max_size: int = 5000
    # what the chain knows about the segments' article (headline, glossary terms in them);
    # set by run_chain, read by providers that can use it (the language model)
    context: TranslationContext | None = None

    def __init__(self, settings: Settings, usage: Usage | None = None,
                 should_cancel: Callable[[], bool] | None = None):
        self.settings = settings
        self.usage = usage if usage is not None else Usage()
        self.should_cancel = should_cancel

    # --- what each adapter declares or implements

    def supports(self, source: str, target: str) -> bool:
        """Whether this provider translates the pair directly."""
        return source != target and source in self.languages and target in self.languages

    def markup_for(self, source: str, target: str) -> str:
        """The markup this provider takes for a pair ("text" or "html")."""
        return self.markup

    def route_markup(self, route: Sequence[str]) -> str:
        """The markup for a whole route (a pivot too): text unless every leg takes HTML."""
        legs = zip(route[:-1], route[1:], strict=True)
        return HTML if all(self.markup_for(s, t) == HTML for s, t in legs) else TEXT

    def size(self, text: str) -> int:
        """The size of one request's text in the unit of `max_size` (characters by default)."""
        return len(text)

    def _request(self, texts: list[str], source: str, target: str,
                 markup: str | None = None) -> list[str]:
        """One HTTP request: a list of one packed text, or up to max_items for native batches."""
        raise NotImplementedError

    # --- the shared machinery

    def translate(self, segments: Sequence[str], source: str, target: str,
                  markup: str | None = None) -> list[str]:
        """Translate segments (same length, same order) in as few requests as fit; `markup`
        defaults to markup_for(source, target)."""
        out: list[str | None] = [None] * len(segments)
        # called on its own (not inside a chain run), it still gets MT_TIMEOUT
        run = transport.http_run(self.settings.timeout) if transport.active() is None else None
        with run or nullcontext():
            for indexes, texts in self.iter_translate(segments, source, target, markup):
                for i, text in zip(indexes, texts, strict=True):
                    out[i] = text
        return [t if t is not None else "" for t in out]

    def iter_translate(self, segments: Sequence[str], source: str, target: str,
                       markup: str | None = None) -> Iterator[tuple[list[int], list[str]]]:
        """Yield (indexes, translations) after each request, so callers keep partial progress."""
        markup = markup or self.markup_for(source, target)
        items = [(i, s) for i, s in enumerate(segments) if s.strip()]
        blank = [i for i, s in enumerate(segments) if not s.strip()]
        if blank:
            yield blank, [segments[i] for i in blank]
        for batch in self._batches(items, markup):
            yield from self._run(batch, source, target, markup)

    def _fits(self, batch: list[tuple[int, str]], markup: str) -> bool:
        """Whether a batch goes into one request (size, and item count for native lists)."""
        if self.native_batch:
            return (len(batch) <= self.max_items
                    and sum(self.size(t) for _, t in batch) <= self.max_size)
        return self.size(self._pack(batch, markup)) <= self.max_size

    def _batches(self, items: list[tuple[int, str]], markup: str
                 ) -> Iterator[list[tuple[int, str]]]:
        """Greedy packing in order; a segment too big on its own goes alone (and gets split)."""
        current: list[tuple[int, str]] = []
        for item in items:
            if current and self._fits([*current, item], markup):
                current.append(item)
                continue
            if current:
                yield current
            current = [item]
        if current:
            yield current

    def _run(self, batch: list[tuple[int, str]], source: str, target: str, markup: str
             ) -> Iterator[tuple[list[int], list[str]]]:
        """Send one batch; halve it and send again while its answer does not split."""
        indexes = [i for i, _ in batch]
        if len(batch) == 1:
            index, text = batch[0]
            if not self._fits(batch, markup):
                yield [index], [self._translate_long(text, source, target, markup)]
                return
            yield [index], self._send([text], source, target, markup)
            return
        if self.native_batch:
            texts = [t for _, t in batch]
            try:
                yield indexes, self._send(texts, source, target, markup)
                return
            except MTBadResponse as exc:
                log.info("%s: batch of %d came back unusable, halving: %s",
                         self.name, len(batch), exc)
        else:
            answer = self._send([self._pack(batch, markup)], source, target, markup)[0]
            parts = self._unpack(answer, batch, markup)
            if parts is not None:
                yield indexes, parts
                return
            log.info("%s: could not split a batch of %d, halving", self.name, len(batch))
        middle = len(batch) // 2
        yield from self._run(batch[:middle], source, target, markup)
        yield from self._run(batch[middle:], source, target, markup)

    def _translate_long(self, text: str, source: str, target: str, markup: str) -> str:
        """A segment over the request limit: translate it sentence by sentence."""
        sentences = [s for s in _SENTENCE_END.split(text) if s]
        if len(sentences) < 2:
            raise MTTextTooLong(self.label, self.max_size, provider=self.name,
                                detail=f"{self.size(text)} > {self.max_size}")
        pieces = self.translate(sentences, source, target, markup)
        return " ".join(p.strip() for p in pieces)

    # packing: text providers put a numbered placeholder before each segment, one per line;
    # HTML providers wrap each segment in <p data-k="n">

    def _boundaries(self, batch: list[tuple[int, str]]) -> list[int]:
        """Segment-marker numbers for a text pack: above every placeholder in it."""
        highest = max((max(token_ids(t, TEXT), default=0) for _, t in batch), default=0)
        return [highest + 1 + n for n in range(len(batch))]

    def _pack(self, batch: list[tuple[int, str]], markup: str) -> str:
        """One request's text for a batch (a lone segment goes as it is)."""
        if len(batch) == 1:
            return batch[0][1]
        if markup == HTML:
            return "\n".join(f'<p data-k="{n}">{t}</p>' for n, (_, t) in enumerate(batch))
        marks = self._boundaries(batch)
        return "\n".join(f"{render_token(m, TEXT)} {t}" for m, (_, t) in zip(marks, batch,
                                                                           strict=True))

    def _unpack(self, answer: str, batch: list[tuple[int, str]], markup: str
                ) -> list[str] | None:
        """Split a packed answer back into segments; None when it does not split cleanly."""
        if markup == HTML:
            found = list(_HTML_ITEM.finditer(answer))
            keys = [int(m.group(1)) for m in found]
            leftover = _HTML_ITEM.sub("", answer).strip()
            if keys != list(range(len(batch))) or leftover:
                return None
            return [m.group(2).strip() for m in found]
        marks = self._boundaries(batch)
        wanted = set(marks)
        hits = [m for m in TOKEN_PATTERNS[TEXT].finditer(answer) if int(m.group(1)) in wanted]
        if [int(m.group(1)) for m in hits] != marks or answer[:hits[0].start()].strip():
            return None
        ends = [m.start() for m in hits[1:]] + [len(answer)]
        return [answer[m.end():end].strip() for m, end in zip(hits, ends, strict=True)]

    def _send(self, texts: list[str], source: str, target: str, markup: str) -> list[str]:
        """One request, retried with exponential back-off on 429, 5xx, timeouts and network errors;
        a 429 or 503 that says how long to wait (Retry-After) is waited out, within the run's
        budget, and one that asks for more than is left goes to the next provider."""
        import requests  # when a provider runs, not when the app is built (transport.py)

        characters = sum(len(t) for t in texts)
        attempt = 0
        while True:
            if self.should_cancel is not None and self.should_cancel():
                raise TranslationCancelled()
            self.usage.record(self.name, characters)
            try:
                out = self._request(texts, source, target, markup)
                if (not isinstance(out, list) or len(out) != len(texts)
                        or not all(isinstance(t, str) for t in out)):
                    raise MTBadResponse(self.label, provider=self.name,
                                        detail=f"{out!r:.200} for {len(texts)} texts")
                if any(t.strip() and not o.strip() for t, o in zip(texts, out, strict=True)):
                    raise MTBadResponse(self.label, provider=self.name,
                                        detail="an empty answer for a text")
                return out
            except MTError as exc:
                error = exc
            except requests.exceptions.InvalidJSONError as exc:
                # a 200 that is not the JSON the client expects: an answer, not a network fault
                error = MTBadResponse(self.label, provider=self.name, detail=str(exc))
            except requests.exceptions.Timeout as exc:
                error = MTTimeout(self.label, self.settings.timeout, provider=self.name,
                                  detail=str(exc))
            except requests.exceptions.RequestException as exc:
                error = MTNetworkError(self.label, provider=self.name, detail=str(exc))
            if not error.retryable or attempt >= self.settings.retries:
                raise error
            state = transport.current()
            asked = state.last_retry_after if error.status in (429, 503) else None
            if asked is not None:
                if state.waited + asked > self.settings.wait_budget:
                    log.info("%s: asked to wait %.0fs, more than the run has left", self.name,
                             asked)
                    raise error
                state.waited += asked
                delay = asked
            else:
                delay = self.settings.backoff(attempt)
            log.info("%s: %s; retry %d in %.2fs", self.name, error.code, attempt + 1, delay)
            time.sleep(delay)
            attempt += 1

    # helpers for adapters

    def status_error(self, status: int | None, detail: str = "", *, source: str = "",
                     target: str = "") -> MTError:
        """Map an HTTP status to our errors."""
        from bv.translation.mt import errors as e

        kw = {"provider": self.name, "status": status, "detail": detail}
        if status in (401, 403):
            return e.MTAuthError(self.label, **kw)
        if status == 429:
            return e.MTRateLimited(self.label, **kw)
        if status in (413, 414):
            return e.MTTextTooLong(self.label, self.max_size, **kw)
        if status == 456:
            return e.MTQuotaExceeded(self.label, **kw)
        if status is not None and status >= 500:
            return MTServerError(self.label, **kw)
        lowered = detail.lower()
        if "not supported" in lowered or ("language" in lowered and "not valid" in lowered):
            return e.MTUnsupportedLanguage(self.label, source, target, **kw)
        if "too long" in lowered or ("limit" in lowered and "exceed" in lowered):
            return e.MTTextTooLong(self.label, self.max_size, **kw)
        return MTBadResponse(self.label, **kw)
