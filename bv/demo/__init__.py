"""Loading the original demo content: categories, tags, articles, images, site settings."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

from sqlalchemy import select

from bv.accounts.permissions import SYSTEM
from bv.accounts.service import create_user
from bv.articles import service, workflow
from bv.articles.models import Article, Category, CategoryName, Tag
from bv.articles.slugs import make_slug
from bv.database import utcnow
from bv.demo import content
from bv.extensions import db
from bv.i18n import LOCALES
from bv.media import store_image
from bv.settings import set_about, set_setting
from bv.translation.glossary import format_forms

SITE_SETTINGS = {
    "address": {
        "sq": "Bul. Ilirya, Nr. 5/2-1, 1200 Tetovë, Republika e Maqedonisë së Veriut",
        "mk": "Бул. Илирија, бр. 5/2-1, 1200 Тетово, Република Северна Македонија",
        "en": "Bul. Ilirya, Nr. 5/2-1, 1200 Tetovo, Republic of North Macedonia",
    },
    "outlet_note": {
        "sq": "BalkanView është medium i BVS.",
        "mk": "BalkanView е медиум на БВС.",
        "en": "BalkanView is a media outlet of BVS.",
    },
    "newsletter_text": {
        "sq": "Merrni artikujt tanë më të rinj menjëherë.",
        "mk": "Добивајте ги нашите најнови написи веднаш.",
        "en": "Get our newest articles instantly.",
    },
    "tagline": {
        "sq": "Lajme nga Tetova dhe rajoni",
        "mk": "Вести од Тетово и регионот",
        "en": "News from Tetovo and the region",
    },
}

ABOUT = {
    "sq": (
        "BalkanView është një redaksi e vogël rajonale me seli në Tetovë. "
        "Çdo artikull e botojmë në shqip, maqedonisht dhe anglisht, që lexuesit e të gjitha "
        "bashkësive ta lexojnë të njëjtin lajm në gjuhën e tyre.\n\n"
        "## Si punojmë\n\n"
        "Gazetarët tanë shkruajnë në cilëndo nga tri gjuhët. Përkthyesit e rishikojnë çdo "
        "version para botimit, dhe kur origjinali ndryshon, e themi hapur."
    ),
    "mk": (
        "BalkanView е мала регионална редакција со седиште во Тетово. "
        "Секој напис го објавуваме на албански, македонски и англиски јазик, за читателите "
        "од сите заедници да ја читаат истата вест на својот јазик.\n\n"
        "## Како работиме\n\n"
        "Нашите новинари пишуваат на кој било од трите јазици. Преведувачите ја проверуваат "
        "секоја верзија пред објавување, а кога оригиналот ќе се промени, тоа јасно го кажуваме."
    ),
    "en": (
        "BalkanView is a small regional newsroom based in Tetovo. "
        "We publish every article in Albanian, Macedonian and English, so that readers from "
        "every community can read the same story in their own language.\n\n"
        "## How we work\n\n"
        "Our reporters write in any of the three languages. Translators review every version "
        "before it is published, and when the original changes, we say so openly."
    ),
}

DEMO_ACCOUNTS = [
    # e-mail, role, display name, target languages, newsroom language
    ("admin@balkanview.example", "admin", "Besa Rexhepi", (), "sq"),
    ("editor@balkanview.example", "editor", "Марко Николовски", (), "mk"),
    ("translator@balkanview.example", "translator", "Ardita Kadriu", ("sq", "en"), "sq"),
    ("author@balkanview.example", "author", "Elena Stojanova", (), "en"),
]

# place names per language, and names that are never translated
PLACES = [
    {"sq": "Tetovë", "mk": "Тетово", "en": "Tetovo"},
    {"sq": "Gostivar", "mk": "Гостивар", "en": "Gostivar"},
    {"sq": "Shkup", "mk": "Скопје", "en": "Skopje"},
]
KEEP = ["BalkanView", "MEK", "e-Albania"]
# glossary forms (see glossary.parse_forms): Albanian declines place names, so its case forms
# map to the one Macedonian or English name; Macedonian writes "the Tetovo villages" with an
# adjective, which a translation may use instead of the name
PLACE_FORMS = {
    "sq": {"Tetovë": ["Tetova", "Tetovës", "Tetovën"],
           "Gostivar": ["Gostivari", "Gostivarit", "Gostivarin"],
           "Shkup": ["Shkupi", "Shkupit", "Shkupin"]},
    "mk": {"Тетово": ["тетовски", "тетовска", "тетовско", "тетовскиот", "тетовската",
                      "тетовските"],
           "Гостивар": ["гостиварски", "гостиварска", "гостиварско", "гостиварскиот",
                        "гостиварската", "гостиварските"],
           "Скопје": ["скопски", "скопска", "скопско", "скопскиот", "скопската", "скопските"]},
}


def place_forms(place: dict, source: str, target: str) -> str:
    """A demo place name's forms for one pair, as the glossary page would store them."""
    pairs = []
    if target != "sq":
        # the name is the same in every case of the target: the draft need not be checked
        sources = [place[source], *PLACE_FORMS.get(source, {}).get(place[source], [])]
        pairs += [(form, place[target]) for form in sources]
    pairs += [("", form) for form in PLACE_FORMS.get(target, {}).get(place[target], [])]
    return format_forms(pairs)

SHARED_SETTINGS = {"phone": "+389 70 250 516", "email": "redaksia@balkanview.example"}


def is_empty() -> bool:
    """True when no article exists yet."""
    return db.session.scalar(select(Article.id).limit(1)) is None


def placeholder_image(color: str, seed: int) -> bytes:
    """A simple drawn landscape in the given colour, so demo articles have lead images."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    width, height = 1600, 900
    picture = PILImage.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(picture)
    base = PILImage.new("RGB", (1, 1), color).getpixel((0, 0))
    for i in range(4):
        shade = tuple(max(0, c - 30 * (i + 1)) for c in base)
        peak = 200 + ((seed * 137 + i * 251) % 900)
        top = 300 + i * 120
        draw.polygon([(peak - 900, height), (peak, top), (peak + 900, height)], fill=shade)
    draw.ellipse((1250, 120, 1400, 270), fill=(245, 233, 200))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def load_settings() -> None:
    """Footer details and the About page in every language."""
    for key, per_locale in SITE_SETTINGS.items():
        for locale, value in per_locale.items():
            set_setting(key, value, locale)
    for key, value in SHARED_SETTINGS.items():
        set_setting(key, value)
    set_setting("show_outdated_notice", "1")
    for locale, text in ABOUT.items():
        set_about(text, locale)


def load_glossary() -> int:
    """Seed the glossary for every language pair."""
    from bv.translation.models import GlossaryTerm

    count = 0
    for source in LOCALES:
        for target in LOCALES:
            if source == target:
                continue
            for place in PLACES:
                db.session.add(
                    GlossaryTerm(
                        source_locale=source,
                        target_locale=target,
                        term=place[source],
                        translation=place[target],
                        forms=place_forms(place, source, target),
                    )
                )
                count += 1
            for name in KEEP:
                db.session.add(
                    GlossaryTerm(
                        source_locale=source, target_locale=target, term=name, do_not_translate=True
                    )
                )
                count += 1
    return count


def load_accounts() -> list[tuple[str, str, str]]:
    """One account per role with a fresh random password; returns (e-mail, role, password)."""
    credentials = []
    for email, role, name, languages, ui_locale in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        create_user(
            email, password, role=role, display_name=name, languages=languages, ui_locale=ui_locale
        )
        credentials.append((email, role, password))
    db.session.flush()
    return credentials


def _quiet_history() -> None:
    """Back-filled approvals are not news: no notifications or e-mails for demo history."""
    from bv.jobs.models import OutboxEmail
    from bv.notifications.models import Notification

    # their queue hand-offs, after the commit, then find no row and send nothing
    db.session.execute(db.delete(OutboxEmail))
    db.session.execute(db.delete(Notification))


def load() -> dict:
    """Load every demo account and article; returns counts and the demo credentials."""
    load_settings()
    load_glossary()
    credentials = load_accounts()
    categories = {}
    for position, item in enumerate(content.CATEGORIES):
        category = Category(key=item["key"], position=position)
        for locale in LOCALES:
            name = item["names"][locale]
            category.names.append(
                CategoryName(locale=locale, name=name, slug=make_slug(name, locale))
            )
        db.session.add(category)
        categories[item["key"]] = category
    tags = {}
    for item in content.TAGS:
        tag = Tag(key=item["key"], names=item["names"])
        db.session.add(tag)
        tags[item["key"]] = tag
    db.session.flush()

    from bv.accounts.models import User

    authors = {
        u.role: u for u in db.session.scalars(select(User).where(User.role.in_(("author", "editor"))))
    }
    now = utcnow()
    versions = 0
    for seed, item in enumerate(content.ARTICLES):
        published = now - timedelta(hours=item["published_hours_ago"])
        article = service.create_article(
            source_locale=item["source_locale"],
            category=categories[item["category"]],
            byline=item["author"],
            author=authors["author" if item["source_locale"] == "en" else "editor"],
            tags=[tags[k] for k in item.get("tags", []) if k in tags],
        )
        if item.get("image"):
            article.lead_image = store_image(placeholder_image(item["image"]["color"], seed))
        order = [item["source_locale"]] + [
            code for code in LOCALES if code != item["source_locale"]
        ]
        source_revision = None
        for offset, locale in enumerate(order):
            text = item["translations"].get(locale)
            if text is None:
                continue
            when = published + timedelta(minutes=20 * offset)
            translation = service.save_translation(
                article,
                locale,
                text,
                based_on=source_revision,
                user=SYSTEM,
                segments_reviewed=True,
                at=when,
                go_live=True,
            )
            if locale == item["source_locale"]:
                source_revision = translation.revisions[-1]
            if locale != item["source_locale"]:
                workflow.transition(translation, "submit", user=SYSTEM, at=when)
                workflow.transition(translation, "approve", user=SYSTEM, at=when)
            workflow.transition(translation, "publish", user=SYSTEM, at=when)
            versions += 1
    _quiet_history()
    db.session.commit()
    return {
        "articles": len(content.ARTICLES),
        "versions": versions,
        "credentials": credentials,
    }
