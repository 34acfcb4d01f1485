"""The provider chain: direct providers in order, then a pivot through English, per segment."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask import current_app

from bv.translation.mt import transport
from bv.translation.mt.base import Provider, TranslationContext, Usage
from bv.translation.mt.errors import (
    AllProvidersFailed,
    MTError,
    MTNotConfigured,
    MTUnsupportedLanguage,
    PlaceholderError,
    TranslationCancelled,
)
from bv.translation.mt.placeholders import GlossaryLike, Protected, Protector, term_pattern
from bv.translation.mt.providers import PROVIDERS
from bv.translation.mt.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class MTResult:
    """One translated segment: text (None on error), who made it and by which route."""

    text: str | None
    provider: str | None
    route: str | None
    error: MTError | None = None


def translate_segments(
    segments: Sequence[str],
    source: str,
    target: str,
    *,
    glossary: Iterable[GlossaryLike] = (),
    config: Mapping | None = None,
    usage: Usage | None = None,
    should_cancel: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    headline: str | None = None,
    lead: str | None = None,
) -> list[MTResult]:
    """Translate segments through the configured chain; one MTResult per segment, in order.

    `headline` is the article's headline, context for providers that read it (the language
    model); `lead` is a route label ("llm:sq>en>mk") tried before the chain (auto routing).

    Raises AllProvidersFailed when some segments got no translation from any provider, and
    TranslationCancelled when `should_cancel()` turns true (checked before every request); both
    carry `partial` ({index: MTResult}) with what was already translated.
    """
    total = len(segments)
    finished = 0

    def on_done(indexes: list[int]) -> None:
        nonlocal finished
        finished += len(indexes)
        if progress is not None:
            progress(finished, total)

    return run_chain(segments, source, target, glossary=glossary, config=config, usage=usage,
                     should_cancel=should_cancel, on_done=on_done, headline=headline, lead=lead)


def build_chain(settings: Settings, source: str, target: str, usage: Usage,
                should_cancel: Callable[[], bool] | None = None,
                ) -> tuple[list[Provider], list[MTError]]:
    """The configured providers for a pair, and why some of them cannot be used."""
    providers: list[Provider] = []
    errors: list[MTError] = []
    for name in settings.chain(source, target):
        cls = PROVIDERS.get(name)
        if cls is None:
            raise ValueError(f"unknown machine-translation provider {name!r}; "
                             f"known: {', '.join(PROVIDERS)}")
        try:
            providers.append(cls(settings, usage, should_cancel))
        except MTNotConfigured as exc:
            errors.append(exc)
    return providers, errors


@dataclass
class ProviderChoice:
    """A provider as the newsroom offers it: usable now, or why not (a lazy message)."""

    name: str
    label: str
    problem: object | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def provider_choices(config: Mapping, source: str, target: str) -> list[ProviderChoice]:
    """Every known provider, with the reason it cannot translate this pair now (not configured,
    or neither the pair nor a pivot through MT_PIVOT_LOCALE supported)."""
    settings = Settings.from_config(config)
    pivot = settings.pivot if settings.pivot not in (source, target) else None
    choices = []
    for name, cls in PROVIDERS.items():
        try:
            provider = cls(settings, Usage())
        except MTNotConfigured as exc:
            choices.append(ProviderChoice(name, cls.label, exc.message))
            continue
        direct = provider.supports(source, target)
        pivots = bool(pivot) and provider.supports(source, pivot) and provider.supports(pivot, target)
        problem = None if direct or pivots else MTUnsupportedLanguage(
            cls.label, source, target, provider=name).message
        choices.append(ProviderChoice(name, cls.label, problem))
    return choices


def run_chain(
    segments: Sequence[str],
    source: str,
    target: str,
    *,
    glossary: Iterable[GlossaryLike] = (),
    config: Mapping | None = None,
    usage: Usage | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_done: Callable[[list[int]], None] | None = None,
    headline: str | None = None,
    lead: str | None = None,
) -> list[MTResult]:
    """translate_segments, reporting finished segment indexes instead of counts."""
    if source == target:
        raise ValueError("source and target locale are the same")
    settings = Settings.from_config(config if config is not None else current_app.config)
    usage = usage if usage is not None else Usage()
    glossary = list(glossary)
    protected = Protector(glossary, locale=source).protect_all(list(segments))
    context = TranslationContext(headline=(headline or "").strip(),
                                 glossary=_terms_in(glossary, segments, source))
    results: dict[int, MTResult] = {}
    failures: dict[int, MTResult] = {}

    def finish(indexes: list[int]) -> None:
        if indexes and on_done is not None:
            on_done(indexes)

    # numbers, code or glossary terms alone: nothing for a provider to do
    trivial = [i for i, p in enumerate(protected) if not p.needs_translation()]
    for i in trivial:
        results[i] = MTResult(protected[i].restore_unchanged(), None, None)
    finish(trivial)

    providers, errors = build_chain(settings, source, target, usage, should_cancel)
    for provider in providers:
        provider.context = context
    direct = [p for p in providers if p.supports(source, target)]
    rejected: list[Provider] = []  # said it supports the pair, then refused it
    tried: set[tuple[str, tuple[str, ...]]] = set()

    def attempt(provider: Provider, route: list[str]) -> None:
        pending = [i for i in range(len(protected)) if i not in results]
        if not pending or (provider.name, tuple(route)) in tried:
            return
        tried.add((provider.name, tuple(route)))
        try:
            _attempt(provider, route, pending, protected, results, failures, finish)
        except TranslationCancelled as exc:
            exc.partial = dict(results)
            raise
        except MTError as exc:
            log.warning("machine translation %s:%s: %s", provider.name, ">".join(route),
                        exc.log_text())
            errors.append(exc)
            if isinstance(exc, MTUnsupportedLanguage):
                rejected.append(provider)

    pivot = settings.pivot
    if not pivot or pivot in (source, target):
        pivot = None

    def pivots(provider: Provider) -> bool:
        return bool(pivot) and provider.supports(source, pivot) and provider.supports(pivot, target)

    for provider in providers:
        if provider not in direct and not pivots(provider):
            errors.append(MTUnsupportedLanguage(provider.label, source, target,
                                                provider=provider.name))

    with transport.http_run(settings.timeout):
        led = _lead_route(lead, providers, source, target, pivot)
        if led is not None:
            attempt(*led)
        for provider in direct:
            attempt(provider, [source, target])
        for provider in providers:
            # a direct provider that failed for another reason would fail a pivot the same way
            if (provider not in direct or provider in rejected) and pivots(provider):
                attempt(provider, [source, pivot, target])

    # placeholder failures are answers, just unusable ones: report them per segment
    lost = [i for i in failures if i not in results]
    for i in lost:
        results[i] = failures[i]
    finish(lost)
    if len(results) < len(protected):
        raise AllProvidersFailed(source, target, errors, partial=dict(results))
    return [results[i] for i in range(len(protected))]


def _terms_in(glossary: list[GlossaryLike], segments: Sequence[str], source: str
              ) -> tuple[tuple[str, str], ...]:
    """The glossary terms found in the segments, with what they must become."""
    found = []
    for rule in glossary:
        term = (rule.term or "").strip()
        required = term if rule.do_not_translate else (rule.translation or "").strip()
        if term and required and any(term_pattern(term, source).search(s) for s in segments):
            found.append((term, required))
    return tuple(found)


def route_label(provider: str, route: Sequence[str]) -> str:
    """How a route is written in TranslatedSegment.route: "google:sq>en>mk"."""
    return f"{provider}:{'>'.join(route)}"


def _lead_route(lead: str | None, providers: list[Provider], source: str, target: str,
                pivot: str | None) -> tuple[Provider, list[str]] | None:
    """The provider and route a lead label names, if the chain has it and it can run."""
    if not lead:
        return None
    name, _sep, path = lead.partition(":")
    route = path.split(">")
    for provider in providers:
        if provider.name != name:
            continue
        if route == [source, target] and provider.supports(source, target):
            return provider, route
        if (pivot and route == [source, pivot, target] and provider.supports(source, pivot)
                and provider.supports(pivot, target)):
            return provider, route
    return None


def _attempt(provider: Provider, route: list[str], pending: list[int],
             protected: list[Protected], results: dict[int, MTResult],
             failures: dict[int, MTResult], finish: Callable[[list[int]], None]) -> None:
    """Send the pending segments through one provider, leg by leg; keep what comes back."""
    name = route_label(provider.name, route)
    # one markup for the whole route: a leg whose languages take no tags means plain text
    markup = provider.route_markup(route)
    texts = [protected[i].render(markup) for i in pending]
    for leg_source, leg_target in zip(route[:-2], route[1:-1], strict=True):
        texts = provider.translate(texts, leg_source, leg_target, markup)
    for indexes, answers in provider.iter_translate(texts, route[-2], route[-1], markup):
        finished = []
        for j, answer in zip(indexes, answers, strict=True):
            i = pending[j]
            try:
                text = protected[i].restore(answer, markup)
            except PlaceholderError as exc:
                exc.provider = provider.name
                log.warning("placeholder error from %s: %s", name, exc.log_text())
                failures[i] = MTResult(None, provider.name, name, exc)
                continue
            results[i] = MTResult(text, provider.name, name)
            failures.pop(i, None)
            finished.append(i)
        finish(finished)
