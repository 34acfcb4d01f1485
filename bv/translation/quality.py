"""Quality flags on machine drafts, computed on the CPU when a draft is written.

A flag says where a reviewer should look first: numbers or dates that differ, the wrong
script, a length far from the pair's norm, text left untranslated, a glossary miss, a glossary
term drafted in its base form where the sentence may need another, and low agreement with a
second service. Most of them are the review checks (checks.run_checks) read at draft time; the
length, the glossary form and the agreement are measured here. The thresholds are calibrated
against how much reviewers changed drafts (`flask --app bv mt calibrate`, see
docs/architecture.md).
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.translation.checks import run_checks
from bv.translation.glossary import terms_for
from bv.translation.models import TranslatedSegment
from bv.translation.mt import (
    MTError,
    Settings,
    TranslationCancelled,
    Usage,
    run_chain,
)
from bv.translation.mt.placeholders import GlossaryLike, Protector

log = logging.getLogger(__name__)

# worst first: what breaks facts, then what reads wrong, then what only may be off
FLAG_ORDER = ("numbers", "dates", "script", "length", "identical", "glossary", "glossary_form",
              "agreement")
# the review checks that become flags as they are
CHECK_FLAGS = ("numbers", "dates", "script", "identical", "glossary")

# characters of target per character of source, the median over the segments of the demo
# newsroom's human translations (docs/architecture.md, "Quality flags")
LENGTH_NORMS = {
    ("en", "mk"): 0.99, ("en", "sq"): 1.04,
    ("mk", "en"): 1.01, ("mk", "sq"): 1.03,
    ("sq", "en"): 0.96, ("sq", "mk"): 0.98,
}
# flag a ratio more than this factor away from the norm (human translations: 99 % within 1.41)
LENGTH_FACTOR = 1.5
# shorter sources ("Foto:", a name) have ratios that mean nothing, and chrF is unstable on them
MIN_SOURCE_CHARS = 20
# chrF (0-100) between two services' drafts below which they disagree (unrelated sentences of
# the same language score about 15-25, two good translations of one sentence 50 and more)
AGREEMENT_MIN_CHRF = 35.0
# a reviewed draft with a post-edit similarity below this was heavily changed
HEAVY_EDIT = 0.8

LABELS = {
    "numbers": _l("numbers differ"),
    "dates": _l("dates differ"),
    "script": _l("wrong script"),
    "length": _l("unusual length"),
    "identical": _l("left untranslated"),
    "glossary": _l("glossary miss"),
    "glossary_form": _l("glossary form to check"),
    "agreement": _l("services disagree"),
}



@functools.cache
def _chrf():
    # sacrebleu costs a web worker ~12 MiB: load it where drafts are scored, in the job worker
    from sacrebleu.metrics import CHRF

    return CHRF()


@dataclass
class Flag:
    """One quality flag as stored ({"code", "details"}) and shown (label, message)."""

    code: str
    details: dict = field(default_factory=dict)

    @property
    def label(self):
        return LABELS.get(self.code, self.code)

    @property
    def message(self):
        """A sentence for the badge's title, in the reader's language."""
        d = self.details
        if self.code == "numbers":
            return _l("Numbers differ from the source (source: %(source)s; translation: %(target)s).",
                      source=", ".join(d.get("source", [])) or "–",
                      target=", ".join(d.get("target", [])) or "–")
        if self.code == "dates":
            return _l("Dates differ from the source (source: %(source)s; translation: %(target)s).",
                      source=", ".join(d.get("source", [])) or "–",
                      target=", ".join(d.get("target", [])) or "–")
        if self.code == "script":
            return _l("Words in the wrong script: %(words)s.", words=", ".join(d.get("words", [])))
        if self.code == "length":
            return _l("The draft is %(ratio)s times as long as the original; about %(norm)s is "
                      "usual for this pair.", ratio=d.get("ratio"), norm=d.get("norm"))
        if self.code == "identical":
            return _l("The translation is identical to the source.")
        if self.code == "glossary":
            return _l("Glossary terms missing: %(terms)s.", terms=", ".join(d.get("terms", [])))
        if self.code == "glossary_form":
            return _l("“%(found)s” was drafted as “%(used)s”: check the form the sentence needs.",
                      found=d.get("found", ""), used=d.get("used", ""))
        if self.code == "agreement":
            return _l("A second service (%(provider)s) translated this quite differently "
                      "(chrF %(score)s of 100).", provider=d.get("provider", "?"),
                      score=d.get("chrf"))
        return self.label

    def as_json(self) -> dict:
        return {"code": self.code, "details": self.details}


def flags_from_json(stored: Iterable[Mapping] | None) -> list[Flag]:
    """Stored flags, worst first; unknown codes (an older version's) are left out."""
    flags = [Flag(str(item.get("code")), dict(item.get("details") or {}))
             for item in stored or () if item.get("code") in FLAG_ORDER]
    return sorted(flags, key=lambda f: FLAG_ORDER.index(f.code))


@dataclass
class Assessment:
    """A draft's flags, and the measures behind them (kept to calibrate thresholds)."""

    flags: list[Flag]
    signals: dict

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.flags]


def length_ratio(source: str, target: str) -> float | None:
    """Target characters per source character; None for sources too short to say."""
    source, target = (source or "").strip(), (target or "").strip()
    if len(source) < MIN_SOURCE_CHARS:
        return None
    return len(target) / len(source)


def length_deviation(ratio: float | None, source_locale: str, target_locale: str) -> float | None:
    """How many times the ratio is off the pair's norm (1.0 = exactly the norm), either way."""
    if ratio is None or ratio <= 0:
        return None if ratio is None else math.inf
    norm = LENGTH_NORMS.get((source_locale, target_locale), 1.0)
    return max(ratio / norm, norm / ratio)


def agreement(first: str, second: str) -> float:
    """chrF (0-100) of one service's draft against another's for the same segment."""
    return _chrf().sentence_score(first or "", [second or ""]).score


def glossary_forms(source: str, source_locale: str,
                   glossary: Sequence[GlossaryLike]) -> list[dict]:
    """Glossary terms in the source whose form maps to no listed target form: the draft used
    the base translation there, which the sentence may need in another case."""
    found = []
    for rule, form in Protector(glossary, locale=source_locale).terms_in(source or ""):
        chooser = getattr(rule, "target_for", None)
        if rule.do_not_translate or not rule.translation or chooser is None:
            continue
        used, certain = chooser(form)
        if not certain:
            found.append({"term": rule.term, "found": form, "used": used})
    return found


def assess(source: str, target: str, *, source_locale: str, target_locale: str,
           glossary: Sequence[GlossaryLike] = (), second: tuple[str, str] | None = None,
           ) -> Assessment:
    """The flags of one drafted segment; `second` is (another service's draft, its name)."""
    flags: list[Flag] = []
    problems = run_checks(source, target, source_locale=source_locale,
                          target_locale=target_locale, glossary=glossary)
    glossary_terms = []
    for problem in problems:
        if problem.code == "glossary":
            glossary_terms.append(problem.details.get("term", ""))
        elif problem.code in CHECK_FLAGS and problem.code not in [f.code for f in flags]:
            flags.append(Flag(problem.code, _plain(problem.details)))
    if glossary_terms:
        flags.append(Flag("glossary", {"terms": glossary_terms}))
    forms = glossary_forms(source, source_locale, glossary)
    if forms:
        flags.append(Flag("glossary_form", forms[0] | {"count": len(forms)}))
    ratio = length_ratio(source, target)
    norm = LENGTH_NORMS.get((source_locale, target_locale), 1.0)
    deviation = length_deviation(ratio, source_locale, target_locale)
    if deviation is not None and deviation > LENGTH_FACTOR:
        flags.append(Flag("length", {"ratio": round(ratio, 2), "norm": norm}))
    score = None
    if second is not None and second[0] is not None and len((source or "").strip()) >= MIN_SOURCE_CHARS:
        score = round(agreement(target, second[0]), 1)
        if score < AGREEMENT_MIN_CHRF:
            flags.append(Flag("agreement", {"chrf": score, "provider": second[1]}))
    flags.sort(key=lambda f: FLAG_ORDER.index(f.code))
    signals = {
        "flags": [f.code for f in flags],
        "ratio": None if ratio is None else round(ratio, 3),
        "deviation": None if deviation in (None, math.inf) else round(deviation, 3),
        "chrf": score,
        "second_provider": second[1] if second else None,
    }
    return Assessment(flags, signals)


def _plain(details: dict) -> dict:
    """Problem details as JSON can hold them."""
    return {k: (list(v) if isinstance(v, (list, tuple, set)) else v)
            for k, v in details.items() if isinstance(v, (str, int, float, list, tuple, set))}


# the second opinion


@dataclass
class SecondOpinion:
    """Other services' drafts per key, and what asking for them cost."""

    texts: dict = field(default_factory=dict)  # key -> (text, provider)
    requests: int = 0
    characters: int = 0
    providers: list[str] = field(default_factory=list)


def second_opinion_enabled(config: Mapping, source: str, target: str) -> bool:
    """Two or more services configured for the pair, and MT_SECOND_OPINION not turned off."""
    value = config.get("MT_SECOND_OPINION", True)
    if isinstance(value, str):
        value = value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value) and len(Settings.from_config(config).chain(source, target)) >= 2


def second_opinions(items: Sequence[tuple[object, str, str | None]], source: str, target: str,
                    *, glossary: Sequence[GlossaryLike] = (), config: Mapping,
                    usage: Usage, should_cancel: Callable[[], bool] | None = None,
                    ) -> SecondOpinion:
    """Ask the next configured service for (key, source text, first provider) segments.

    Each segment goes to the first service of the pair's chain that did not draft it, so two
    services are compared, never one with itself. The requests are counted in `usage` like
    the draft's (per provider as well); a failing second service only means no agreement
    flag, never a failed draft. Nothing here goes to the translation memory.
    """
    outcome = SecondOpinion()
    if not items or not second_opinion_enabled(config, source, target):
        return outcome
    chain = Settings.from_config(config).chain(source, target)
    groups: dict[str, list[tuple[object, str]]] = {}
    for key, text, provider in items:
        other = next((name for name in chain if name != provider), None)
        if other is not None:
            groups.setdefault(other, []).append((key, text))
    before = (usage.requests, usage.characters)
    pair_key = f"MT_PROVIDERS_{source.upper()}_{target.upper()}"
    for other, group in groups.items():
        only = {**config, pair_key: other}
        try:
            results = dict(enumerate(run_chain([text for _key, text in group], source, target,
                                               glossary=glossary, config=only, usage=usage,
                                               should_cancel=should_cancel)))
        except TranslationCancelled:
            break
        except MTError as error:
            # AllProvidersFailed carries what did come back
            results = dict(getattr(error, "partial", None) or {})
            log.warning("second opinion from %s failed: %s", other, error)
        except ValueError as error:  # an unknown provider name: the draft already said so
            log.warning("second opinion from %s impossible: %s", other, error)
            continue
        outcome.providers.append(other)
        for i, result in results.items():
            if result.text is not None and result.error is None:
                outcome.texts[group[i][0]] = (result.text, result.provider or other)
    outcome.requests = usage.requests - before[0]
    outcome.characters = usage.characters - before[1]
    return outcome


# calibration


@dataclass
class Sample:
    """A reviewed machine draft: its measures at draft time, and how much the reviewer kept."""

    pair: tuple[str, str]
    codes: set
    deviation: float | None
    chrf: float | None
    similarity: float


def post_edit_similarity(machine_text: str, final_text: str) -> float:
    """The dashboard's measure: normalized Levenshtein similarity of draft and reviewed text."""
    from rapidfuzz.distance import Levenshtein  # newsroom only: not loaded by reading workers

    return Levenshtein.normalized_similarity(machine_text or "", final_text or "")


def sample_of(source_locale: str, target_locale: str, source_text: str, machine_text: str,
              final_text: str, signals: Mapping | None,
              glossary: Sequence[GlossaryLike] = ()) -> Sample:
    """A calibration sample; drafts from before the flags existed are assessed now."""
    if not signals or "flags" not in signals:
        signals = assess(source_text, machine_text, source_locale=source_locale,
                         target_locale=target_locale, glossary=glossary).signals
    deviation = signals.get("deviation")
    if deviation is None and signals.get("ratio") is not None:
        deviation = length_deviation(signals["ratio"], source_locale, target_locale)
    return Sample((source_locale, target_locale), set(signals.get("flags") or ()), deviation,
                  signals.get("chrf"), post_edit_similarity(machine_text, final_text))


def _mean(values: list[float]) -> float | None:
    return round(100 * sum(values) / len(values), 1) if values else None


def _split(samples: Sequence[Sample], flagged: Callable[[Sample], bool]) -> dict:
    """Similarity of flagged against unflagged samples, and how well the flag finds heavy edits
    (Youden's J: share of heavily edited drafts flagged minus share of the others flagged)."""
    yes = [s.similarity for s in samples if flagged(s)]
    no = [s.similarity for s in samples if not flagged(s)]
    heavy = [s for s in samples if s.similarity < HEAVY_EDIT]
    light = [s for s in samples if s.similarity >= HEAVY_EDIT]
    j = None
    if heavy and light:
        j = round(sum(map(flagged, heavy)) / len(heavy) - sum(map(flagged, light)) / len(light), 3)
    mean_yes, mean_no = _mean(yes), _mean(no)
    return {
        "flagged": len(yes), "unflagged": len(no),
        "similarity_flagged": mean_yes, "similarity_unflagged": mean_no,
        "difference": None if mean_yes is None or mean_no is None else round(mean_no - mean_yes, 1),
        "youden_j": j,
    }


LENGTH_CANDIDATES = (1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0)
CHRF_CANDIDATES = (20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0)
# fewer flagged drafts than this cannot support a threshold
MIN_SUPPORT = 5


def _best(rows: list[dict], current: float) -> float | None:
    """The threshold with the highest J; among equals, the one closest to the current."""
    usable = [r for r in rows if r["flagged"] >= MIN_SUPPORT and r["youden_j"] is not None]
    if not usable:
        return None
    return max(usable, key=lambda r: (r["youden_j"], -abs(r["threshold"] - current)))["threshold"]


def calibrate(samples: Sequence[Sample]) -> dict:
    """Per flag, how reviewed drafts with it differ in post-edit similarity from those without;
    and for the two measured flags, each candidate threshold and the one that best separates
    heavily edited drafts (highest Youden's J with at least MIN_SUPPORT flagged)."""
    report = {
        "samples": len(samples),
        "heavy_edit_below": HEAVY_EDIT,
        "mean_similarity": _mean([s.similarity for s in samples]),
        "flags": {code: _split(samples, lambda s, c=code: c in s.codes) for code in FLAG_ORDER},
    }
    length = [{"threshold": t, **_split(samples, lambda s, t=t: s.deviation is not None
                                         and s.deviation > t)}
              for t in LENGTH_CANDIDATES]
    with_chrf = [s for s in samples if s.chrf is not None]
    chrf = [{"threshold": t, **_split(with_chrf, lambda s, t=t: s.chrf < t)}
            for t in CHRF_CANDIDATES]
    report["length"] = {"current": LENGTH_FACTOR, "candidates": length, "suggested": _best(length, LENGTH_FACTOR)}
    report["agreement"] = {"current": AGREEMENT_MIN_CHRF, "samples": len(with_chrf),
                           "candidates": chrf, "suggested": _best(chrf, AGREEMENT_MIN_CHRF)}
    return report


def reviewed_samples(limit: int = 5000) -> list[Sample]:
    """Reviewed machine drafts, most recently changed first, as calibration samples (the same
    rows the dashboard's machine_quality reads)."""
    rows = db.session.execute(
        select(Article.source_locale, ArticleTranslation.locale, TranslatedSegment.source_text,
               TranslatedSegment.machine_text, TranslatedSegment.target_text,
               TranslatedSegment.machine_signals)
        .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .where(TranslatedSegment.machine_text.is_not(None), TranslatedSegment.reviewed.is_(True))
        .order_by(TranslatedSegment.updated_at.desc())
        .limit(limit)
    ).all()
    glossaries: dict[tuple[str, str], list] = {}
    samples = []
    for source, target, source_text, machine, final, signals in rows:
        if (source, target) not in glossaries:
            glossaries[(source, target)] = terms_for(source, target)
        samples.append(sample_of(source, target, source_text, machine, final, signals,
                                 glossaries[(source, target)]))
    return samples
