"""MT_PROVIDERS=auto: per language pair, the route reviewers changed least leads the chain.

A route is a provider with its path, as TranslatedSegment.route records it: "google:sq>mk"
(direct) or "google:sq>en>mk" (through the pivot language), so a pivot competes with the direct
pair on the same figures. Its figure is the mean Levenshtein similarity between the machine
text and the reviewed text of its segments (what the dashboard's quality table shows). A route
needs MT_AUTO_MIN_REVIEWED (50) reviewed segments of the pair to be chosen; until one has, the
configured order (MT_AUTO_ORDER) decides alone. The chosen route is tried first; the order
follows as the fallback.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation.models import TranslatedSegment
from bv.translation.mt import Settings
from bv.translation.mt.chain import route_label

SAMPLE = 5000


@dataclass
class RouteFigure:
    """How one route did for a pair: reviewed segments and mean similarity (0-100)."""

    route: str
    segments: int
    similarity: float

    @property
    def provider(self) -> str:
        return self.route.partition(":")[0]

    @property
    def pivot(self) -> bool:
        return self.route.count(">") > 1


@dataclass
class RouteChoice:
    """The route that leads a pair's chain, and why."""

    source: str
    target: str
    auto: bool
    order: list[str]
    minimum: int
    lead: str | None = None
    figures: list[RouteFigure] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """"fixed" (not auto), "measured" (a route has enough reviews) or "too_few"."""
        if not self.auto:
            return "fixed"
        return "measured" if self.lead else "too_few"

    @property
    def lead_figure(self) -> RouteFigure | None:
        return next((f for f in self.figures if f.route == self.lead), None)


def route_figures(source: str, target: str) -> list[RouteFigure]:
    """Every route's figures for a pair, from the latest reviewed machine segments."""
    from rapidfuzz.distance import Levenshtein  # newsroom only: not loaded by reading workers

    rows = db.session.execute(
        select(TranslatedSegment.provider, TranslatedSegment.route,
               TranslatedSegment.machine_text, TranslatedSegment.target_text)
        .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .where(TranslatedSegment.machine_text.is_not(None),
               TranslatedSegment.reviewed.is_(True),
               TranslatedSegment.provider.is_not(None),
               Article.source_locale == source,
               ArticleTranslation.locale == target)
        .order_by(TranslatedSegment.updated_at.desc())
        .limit(SAMPLE)
    ).all()
    scores: dict[str, list[float]] = defaultdict(list)
    for provider, route, machine, final in rows:
        # drafts from before routes were recorded went direct
        label = route or route_label(provider, [source, target])
        scores[label].append(Levenshtein.normalized_similarity(machine or "", final or ""))
    return sorted(
        (RouteFigure(label, len(s), round(100 * sum(s) / len(s), 1)) for label, s in scores.items()),
        key=lambda f: (-f.similarity, -f.segments, f.route),
    )


def choose(config: Mapping, source: str, target: str) -> RouteChoice:
    """The lead route for a pair under MT_PROVIDERS=auto (None: the configured order alone)."""
    settings = Settings.from_config(config)
    order = settings.chain(source, target)
    minimum = max(1, int(settings.get("MT_AUTO_MIN_REVIEWED", 50)))
    choice = RouteChoice(source, target, settings.is_auto(source, target), order, minimum)
    if not choice.auto:
        return choice
    # only routes of providers in the order compete: one dropped from the config cannot lead
    choice.figures = [f for f in route_figures(source, target) if f.provider in order]
    eligible = [f for f in choice.figures if f.segments >= minimum]
    if eligible:
        best = max(eligible, key=lambda f: (f.similarity, -order.index(f.provider)))
        choice.lead = best.route
    return choice


def all_choices(config: Mapping) -> list[RouteChoice]:
    """choose() for every language pair, for the dashboard."""
    return [choose(config, s, t) for s in LOCALES for t in LOCALES if s != t]
