"""What machine translation costs: usage kept per draft, priced per provider.

Each machine draft stores one `MachineUsage` row per provider it asked (requests, characters,
tokens). A price is per million units: characters for translation APIs, tokens for the language
model. `MT_PRICE_<PROVIDER>` (BV_MT_PRICE_DEEPL=20) overrides the defaults below;
`MT_PRICE_LLM_OUTPUT` prices the model's completion tokens apart (default: MT_PRICE_LLM).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bv.articles.models import Article
from bv.database import utcnow
from bv.extensions import db
from bv.translation.models import MachineUsage
from bv.translation.mt import Usage

# per million characters (tokens for "llm"), in MT_CURRENCY; approximate list prices, to be set
# to the newsroom's contract: Google's web endpoint, MyMemory and a self-hosted LibreTranslate
# or model cost nothing per character, Azure Translator S1 bills about 10 and DeepL API Pro
# about 20 per million characters
DEFAULT_PRICES: dict[str, Decimal] = {
    "google": Decimal(0),
    "mymemory": Decimal(0),
    "libretranslate": Decimal(0),
    "microsoft": Decimal(10),
    "deepl": Decimal(20),
    "llm": Decimal(0),
}
TOKEN_PROVIDERS = frozenset({"llm"})
MILLION = Decimal(1_000_000)


def unit(provider: str) -> str:
    """"tokens" for language models, "characters" for everything else."""
    return "tokens" if provider in TOKEN_PROVIDERS else "characters"


def _decimal(value, fallback: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return fallback
    return number if number.is_finite() and number >= 0 else fallback


def prices(config: Mapping, provider: str) -> tuple[Decimal, Decimal]:
    """(input, output) price per million units; output only differs for token providers."""
    key = f"MT_PRICE_{provider.upper()}"
    default = DEFAULT_PRICES.get(provider, Decimal(0))
    base = default if config.get(key) is None else _decimal(config[key], default)
    output = config.get(f"{key}_OUTPUT")
    return base, (_decimal(output, base) if output is not None else base)


def cost(config: Mapping, provider: str, *, characters: int = 0, prompt_tokens: int = 0,
         completion_tokens: int = 0) -> Decimal:
    """The price of some usage of one provider."""
    price_in, price_out = prices(config, provider)
    if provider in TOKEN_PROVIDERS:
        amount = prompt_tokens * price_in + completion_tokens * price_out
    else:
        amount = characters * price_in
    return (amount / MILLION).quantize(Decimal("0.0001"))


def record_usage(article_id: int | None, locale: str, usage: Usage) -> list[MachineUsage]:
    """Add one MachineUsage row per provider a draft asked to the caller's transaction."""
    rows = []
    for provider, counts in sorted(usage.by_provider.items()):
        row = MachineUsage(
            article_id=article_id, locale=locale, provider=provider,
            requests=counts.get("requests", 0), characters=counts.get("characters", 0),
            prompt_tokens=counts.get("prompt_tokens", 0),
            completion_tokens=counts.get("completion_tokens", 0),
        )
        db.session.add(row)
        rows.append(row)
    return rows


@dataclass
class CostLine:
    """Usage of one provider within a group (a month, an article), with its price."""

    provider: str
    requests: int = 0
    characters: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal(0)

    @property
    def unit(self) -> str:
        return unit(self.provider)

    @property
    def units(self) -> int:
        """What the provider bills: tokens for a language model, else characters."""
        if self.provider in TOKEN_PROVIDERS:
            return self.prompt_tokens + self.completion_tokens
        return self.characters


@dataclass
class CostGroup:
    """A month or an article, its lines per provider and their total."""

    key: object
    label: str = ""
    lines: list[CostLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))


def _add(line: CostLine, row: MachineUsage) -> None:
    line.requests += row.requests
    line.characters += row.characters
    line.prompt_tokens += row.prompt_tokens
    line.completion_tokens += row.completion_tokens


def _price(config: Mapping, groups: dict) -> None:
    for lines in groups.values():
        for line in lines.values():
            line.cost = cost(config, line.provider, characters=line.characters,
                             prompt_tokens=line.prompt_tokens,
                             completion_tokens=line.completion_tokens)


def by_month(config: Mapping, months: int = 6, now: datetime | None = None) -> list[CostGroup]:
    """Usage and cost per calendar month (UTC), newest first, for the last `months` months."""
    since = (now or utcnow()) - timedelta(days=31 * months)
    rows = db.session.scalars(
        select(MachineUsage).where(MachineUsage.created_at >= since)
    ).all()
    groups: dict[str, dict[str, CostLine]] = defaultdict(dict)
    for row in rows:
        month = row.created_at.strftime("%Y-%m")
        _add(groups[month].setdefault(row.provider, CostLine(row.provider)), row)
    _price(config, groups)
    return [CostGroup(month, month, sorted(lines.values(), key=lambda x: x.provider))
            for month, lines in sorted(groups.items(), reverse=True)][:months]


def by_article(config: Mapping, limit: int = 20) -> list[CostGroup]:
    """Usage and cost per article (all its drafts), the most recently drafted first."""
    latest = (
        select(MachineUsage.article_id)
        .where(MachineUsage.article_id.is_not(None))
        .group_by(MachineUsage.article_id)
        .order_by(db.func.max(MachineUsage.created_at).desc(), MachineUsage.article_id.desc())
        .limit(limit)
    )
    ids = list(db.session.scalars(latest))
    if not ids:
        return []
    rows = db.session.scalars(select(MachineUsage).where(MachineUsage.article_id.in_(ids))).all()
    # the headlines in one more query, however many articles
    articles = {
        a.id: a for a in db.session.scalars(
            select(Article).where(Article.id.in_(ids)).options(selectinload(Article.translations))
        )
    }
    groups: dict[int, dict[str, CostLine]] = defaultdict(dict)
    for row in rows:
        _add(groups[row.article_id].setdefault(row.provider, CostLine(row.provider)), row)
    _price(config, groups)
    out = []
    for article_id in ids:
        article = articles.get(article_id)
        headline = article.source.headline if article is not None and article.source else ""
        out.append(CostGroup(article_id, headline or f"#{article_id}",
                             sorted(groups[article_id].values(), key=lambda x: x.provider)))
    return out
