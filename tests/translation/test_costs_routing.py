"""Machine-translation cost (usage kept per draft, priced per provider) and automatic routing
by measured post-edit similarity, and how the dashboard shows both."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date

from bv.accounts.permissions import SYSTEM
from bv.articles import service
from bv.articles.models import Article
from bv.database import utcnow
from bv.extensions import db
from bv.translation import costs, drafting, routing
from bv.translation.models import MachineUsage, TranslatedSegment
from bv.translation.mt import translate_segments
from tests.conftest import PASSWORD
from tests.translation.fake_providers import point_at
from tests.translation.stories import write

# ---- the arithmetic


@pytest.mark.parametrize(("config", "provider", "usage", "expected"), [
    ({}, "deepl", {"characters": 1_500_000}, "30"),  # default 20 per million characters
    ({"MT_PRICE_DEEPL": "12.5"}, "deepl", {"characters": 1_500_000}, "18.75"),
    ({"MT_PRICE_DEEPL": "not a number"}, "deepl", {"characters": 1_000_000}, "20"),
    ({"MT_PRICE_DEEPL": "-3"}, "deepl", {"characters": 1_000_000}, "20"),
    ({}, "google", {"characters": 9_000_000}, "0"),
    ({"MT_PRICE_MICROSOFT": 10}, "microsoft", {"characters": 250}, "0.0025"),
    # a language model bills tokens: prompt and completion may have their own prices
    ({"MT_PRICE_LLM": "2", "MT_PRICE_LLM_OUTPUT": "8"}, "llm",
     {"characters": 10**9, "prompt_tokens": 1_000_000, "completion_tokens": 500_000}, "6"),
    ({"MT_PRICE_LLM": "3"}, "llm", {"prompt_tokens": 200_000, "completion_tokens": 100_000},
     "0.9"),
])
def test_cost(config, provider, usage, expected):
    assert costs.cost(config, provider, **usage) == Decimal(expected)


def _usage(article_id, provider, *, days_ago=0, **counts):
    row = MachineUsage(article_id=article_id, locale="mk", provider=provider,
                       requests=counts.pop("requests", 1), **counts)
    row.created_at = utcnow() - timedelta(days=days_ago)
    db.session.add(row)
    return row


def test_usage_is_summed_per_month_and_per_article(app, staff):
    first, second = write(app, ["Një."]), write(app, ["Dy."], headline="Lajmi i dytë")
    with app.app_context():
        _usage(first, "deepl", characters=600_000, requests=2)
        _usage(first, "deepl", characters=400_000)
        _usage(second, "llm", prompt_tokens=1_000_000, completion_tokens=1_000_000)
        _usage(second, "deepl", characters=10, days_ago=70)  # an earlier month
        db.session.commit()
        config = {"MT_PRICE_LLM": "1"}
        months = costs.by_month(config)
        articles = costs.by_article(config)
    assert len(months) == 2
    latest = months[0]
    assert {(line.provider, line.requests, line.units, line.cost) for line in latest.lines} == {
        ("deepl", 3, 1_000_000, Decimal("20")),
        ("llm", 1, 2_000_000, Decimal("2")),
    }
    assert latest.total == Decimal("22")
    assert months[1].lines[0].units == 10
    by_id = {group.key: group for group in articles}
    assert by_id[first].total == Decimal("20")
    assert by_id[second].label == "Lajmi i dytë"
    assert {line.provider for line in by_id[second].lines} == {"llm", "deepl"}


# ---- automatic routing


def _reviewed(app, article_id, route, count, *, changed=False):
    """`count` reviewed machine segments of `route`; changed ones were edited by a person."""
    provider = route.partition(":")[0]
    with app.app_context():
        article = db.session.get(Article, article_id)
        translation = service.get_or_create_translation(article, "mk", user=SYSTEM)
        translation.slug = translation.slug or f"measured-{article_id}"
        db.session.flush()
        start = db.session.query(TranslatedSegment).count()
        for n in range(count):
            machine = f"Собранието го усвои буџетот {n}"
            db.session.add(TranslatedSegment(
                translation_id=translation.id, key=f"b{start + n}", source_hash="x",
                source_text="Kuvendi", machine_text=machine,
                target_text=machine.replace("го усвои", "денеска го донесе") if changed else machine,
                origin="machine", provider=provider, route=route, reviewed=True))
        db.session.commit()


def test_below_fifty_reviewed_segments_the_configured_order_decides(app, staff):
    article_id = write(app, ["Një."])
    _reviewed(app, article_id, "llm:sq>mk", 49)
    config = {"MT_PROVIDERS": "auto", "MT_AUTO_ORDER": "libretranslate,llm"}
    with app.app_context():
        choice = routing.choose(config, "sq", "mk")
    assert choice.reason == "too_few" and choice.lead is None
    assert choice.order == ["libretranslate", "llm"]
    assert [(f.route, f.segments) for f in choice.figures] == [("llm:sq>mk", 49)]
    _reviewed(app, article_id, "llm:sq>mk", 1)
    with app.app_context():
        choice = routing.choose(config, "sq", "mk")
    assert choice.reason == "measured" and choice.lead == "llm:sq>mk"
    assert choice.lead_figure.segments == 50 and choice.lead_figure.similarity == 100


def test_the_pivot_route_competes_with_the_direct_one(app, staff):
    article_id = write(app, ["Një."])
    _reviewed(app, article_id, "libretranslate:sq>mk", 60, changed=True)
    _reviewed(app, article_id, "libretranslate:sq>en>mk", 55)
    _reviewed(app, article_id, "google:sq>mk", 80)  # not in the order: cannot lead
    config = {"MT_PROVIDERS": "auto", "MT_AUTO_ORDER": "libretranslate,llm"}
    with app.app_context():
        choice = routing.choose(config, "sq", "mk")
        other_pair = routing.choose(config, "mk", "sq")
        fixed = routing.choose({"MT_PROVIDERS": "libretranslate"}, "sq", "mk")
    assert choice.lead == "libretranslate:sq>en>mk"
    assert [f.route for f in choice.figures] == ["libretranslate:sq>en>mk",
                                                 "libretranslate:sq>mk"]
    assert choice.figures[1].similarity < 100
    assert other_pair.lead is None and other_pair.figures == []
    assert fixed.reason == "fixed" and fixed.figures == []


def test_the_lead_route_goes_first_and_the_order_follows(fake, other_fake):
    config = point_at(fake, MT_PROVIDERS="auto", MT_AUTO_ORDER="libretranslate,llm",
                      LLM_URL=f"{other_fake.url}/v1")
    [direct] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert direct.route == "libretranslate:sq>mk"
    [led] = translate_segments(["Mirëdita"], "sq", "mk", config=config, lead="llm:sq>en>mk")
    assert (led.route, led.text) == ("llm:sq>en>mk", "mk_en_Mirëdita")
    # a lead the chain does not have is ignored
    [unknown] = translate_segments(["Mirëdita"], "sq", "mk", config=config,
                                   lead="deepl:sq>mk")
    assert unknown.route == "libretranslate:sq>mk"
    # the lead failing: the order takes over
    other_fake.always_status = 401
    [fallback] = translate_segments(["Mirëdita"], "sq", "mk", config=config,
                                    lead="llm:sq>mk")
    assert fallback.route == "libretranslate:sq>mk"


def test_a_draft_under_auto_follows_the_measured_route(app, staff, fake):
    app.config.update(point_at(fake, MT_PROVIDERS="auto", MT_AUTO_ORDER="libretranslate,llm"))
    measured = write(app, ["Një."])
    _reviewed(app, measured, "llm:sq>mk", 50)
    article_id = write(app, ["Kuvendi miratoi buxhetin."])
    with app.app_context():
        outcome = drafting.draft(db.session.get(Article, article_id), "mk")
    assert set(outcome.routes) == {"llm:sq>mk"}


# ---- the dashboard


def _dashboard(app, email, locale="en"):
    client = app.test_client()
    client.post("/newsroom/login", data={"email": email, "password": PASSWORD})
    client.post("/newsroom/account", data={"account-ui_locale": locale})
    response = client.get("/newsroom/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_dashboard_shows_cost_and_routes(app, staff):
    app.config.update({"MT_PROVIDERS": "auto", "MT_AUTO_ORDER": "libretranslate,llm",
                       "MT_PRICE_LLM": "4"})
    article_id = write(app, ["Një."], headline="Buxheti i Tetovës")
    _reviewed(app, article_id, "llm:sq>en>mk", 50)
    with app.app_context():
        _usage(article_id, "deepl", characters=1_500_000, requests=3)
        _usage(article_id, "llm", prompt_tokens=200_000, completion_tokens=50_000)
        db.session.commit()
        with force_locale("en_GB"):
            month = format_date(utcnow().date().replace(day=1), "LLLL y")
    html = _dashboard(app, staff["editor"])
    assert "Machine translation cost" in html
    assert month in html
    assert "1,500,000 characters" in html and "250,000 tokens" in html
    assert "€30.00" in html and "€1.00" in html and "€31.00" in html
    assert "Buxheti i Tetovës" in html
    # sq → mk is measured through English; the other pairs have too few reviews
    assert "llm: sq → en → mk" in html
    assert "Best similarity to the reviewed text: 100.0% over 50 reviewed segments." in html
    assert "Fewer than 50 reviewed segments for every route" in html


def test_dashboard_cost_in_macedonian(app, staff):
    app.config["MT_PRICE_LLM"] = "3"
    article_id = write(app, ["Една."])
    with app.app_context():
        _usage(article_id, "deepl", characters=1_000_000)
        _usage(article_id, "llm", prompt_tokens=1000, completion_tokens=300)
        db.session.commit()
    html = _dashboard(app, staff["editor"], "mk")
    assert "Трошоци за машинско преведување" in html
    assert "Machine translation cost" not in html
    assert "1.000.000 знаци" in html and "1.300 токени" in html
    # fractions of a cent stay visible
    assert "20,00\xa0€" in html and "0,0039\xa0€" in html and "20,0039\xa0€" in html
