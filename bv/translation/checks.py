"""Quality checks run on every save of a translated segment.

`run_checks()` compares one source segment with its translation and returns `Problem`s:
blocking ones stop approval, the others are warnings. Numbers and dates are read in each
language's own conventions (sq/mk "1.200" and "3,5", en "1,200" and "3.5"), so a correct
conversion is never reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt

# one rule type, and one way of finding a term, for drafting and checks
from bv.translation.mt.placeholders import (
    GlossaryRule,
    forms_pattern,
    rule_pattern,
    term_pattern,
)
from bv.translation.segments import normalize_text

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

# {{name}}, %(name)s, {name}, and <x id="1"/> left over from machine translation
PLACEHOLDER = re.compile(
    r"\{\{\s*[\w.]+\s*\}\}|%\(\w+\)[sdif]|\{\s*\w+\s*\}|<x\s+id=[\"']?\w+[\"']?\s*/?>"
)
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_SPACES = "\u00a0\u202f\u2009"


@dataclass
class Problem:
    """Something wrong with a translation; blocking problems stop approval."""

    code: str
    message: object  # a lazy string
    blocking: bool
    details: dict = field(default_factory=dict)


def run_checks(
    source: str,
    target: str,
    *,
    source_locale: str,
    target_locale: str,
    glossary: Sequence[GlossaryRule] = (),
) -> list[Problem]:
    """Every problem found in one translated segment, blocking ones first."""
    if not (source or "").strip():
        return []
    if not (target or "").strip():
        return [Problem("empty", _l("The translation is empty."), True)]
    src = _Text(source, source_locale)
    tgt = _Text(target, target_locale)
    problems = [
        *_check_placeholders(src, tgt),
        *_check_links(src, tgt),
        *_check_dates(src, tgt),
        *_check_numbers(src, tgt),
        *_check_glossary(src, tgt, glossary),
        *_check_script(tgt, glossary),
        *_check_identical(src, tgt, glossary),
        *_check_emphasis(src, tgt),
    ]
    return sorted(problems, key=lambda p: not p.blocking)


class _Text:
    """A segment read once: its prose (no URLs or code), links and emphasis."""

    def __init__(self, raw: str, locale: str):
        self.raw = raw
        self.locale = locale
        self.links: list[str] = []
        self.emphasis = Counter()
        prose = []
        tokens = _markdown.parseInline(raw)[0].children or []
        in_autolink = False
        for token in tokens:
            if token.type == "link_open":
                self.links.append(token.attrs.get("href", ""))
                in_autolink = token.markup == "autolink"
            elif token.type == "link_close":
                in_autolink = False
            elif token.type == "image":
                self.links.append(token.attrs.get("src", ""))
                prose.append(token.content)
            elif token.type in ("strong_open", "em_open"):
                self.emphasis[token.type[:-5]] += 1
            elif token.type == "text" and not in_autolink:
                prose.append(token.content)
            elif token.type in ("softbreak", "hardbreak", "code_inline"):
                prose.append(" ")  # code is not prose: it is neither counted nor script-checked
        text = PLACEHOLDER.sub(" ", "".join(prose))
        self.prose = _BARE_URL.sub(" ", text)
        self.placeholders = Counter(m.group(0) for m in PLACEHOLDER.finditer(raw))
        self.dates, rest = _extract_dates(self.prose, locale)
        self.numbers = _extract_numbers(rest, locale)


# placeholders, links, emphasis


def _check_placeholders(src: _Text, tgt: _Text) -> list[Problem]:
    if src.placeholders == tgt.placeholders:
        return []
    missing = sorted((src.placeholders - tgt.placeholders).elements())
    extra = sorted((tgt.placeholders - src.placeholders).elements())
    message = _l("Placeholders differ from the source: %(placeholders)s.",
                 placeholders=", ".join(missing + extra))
    return [Problem("placeholders", message, True, {"missing": missing, "extra": extra})]


def _check_links(src: _Text, tgt: _Text) -> list[Problem]:
    source_links, target_links = Counter(src.links), Counter(tgt.links)
    if source_links == target_links:
        return []
    missing = list((source_links - target_links).elements())
    extra = list((target_links - source_links).elements())
    message = _l("Links differ from the source: %(links)s.", links=", ".join(missing + extra))
    return [Problem("links", message, True, {"missing": missing, "extra": extra})]


def _check_emphasis(src: _Text, tgt: _Text) -> list[Problem]:
    if src.emphasis == tgt.emphasis:
        return []
    details = {"source": dict(src.emphasis), "target": dict(tgt.emphasis)}
    message = _l("Bold or italic text differs from the source.")
    return [Problem("emphasis", message, False, details)]


# numbers


_SCALES = {
    "en": {"thousand": 3, "million": 6, "millions": 6, "mn": 6, "billion": 9,
           "billions": 9, "bn": 9},
    "sq": {"mijë": 3, "milion": 6, "milionë": 6, "mln": 6, "miliard": 9, "miliardë": 9,
           "mld": 9},
    "mk": {"илјада": 3, "илјади": 3, "милион": 6, "милиони": 6, "мил": 6, "млн": 6,
           "милијарда": 9, "милијарди": 9, "млрд": 9},
}
_NUMBER_WORDS = {
    "en": ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"],
    "sq": ["një", "dy", "tre|tri", "katër", "pesë", "gjashtë", "shtatë", "tetë", "nëntë",
           "dhjetë", "njëmbëdhjetë", "dymbëdhjetë"],
    "mk": ["еден|една|едно", "два|две", "три", "четири", "пет", "шест", "седум", "осум",
           "девет", "десет", "единаесет", "дванаесет"],
}
_NUMBER = re.compile(
    rf"(?<![\d.,])(\d{{1,2}}:\d{{2}}(?!\d)|\d+(?:[.,{_SPACES}]\d+)*)"
    r"(?:[ \u00a0]?([^\W\d_]+)\.?)?"
)


@dataclass
class _Found:
    """A number or date as written, and every way it can be read (e.g. {Decimal("1200")})."""

    text: str
    readings: frozenset


def _extract_numbers(text: str, locale: str) -> list[_Found]:
    numbers = []
    scales = _SCALES.get(locale, _SCALES["en"])
    for match in _NUMBER.finditer(text):
        token, word = match.group(1), (match.group(2) or "").lower()
        exponent = scales.get(word, 0)
        readings = _number_readings(token, locale, exponent)
        shown = match.group(0).strip().rstrip(".") if exponent else token
        if readings:
            numbers.append(_Found(shown, frozenset(readings)))
    return numbers


def _number_readings(token: str, locale: str, exponent: int) -> set:
    readings: set = set()
    time = re.fullmatch(r"(\d{1,2})[:.](\d{2})", token)
    if time and int(time.group(1)) < 24 and int(time.group(2)) < 60:
        readings.add(("time", int(time.group(1)), int(time.group(2))))
        if time.group(2) == "00":
            readings.add(Decimal(int(time.group(1))))  # "23:00" is "23 часот"
        if ":" in token:
            return readings
    token = token.translate({ord(c): None for c in _SPACES})
    group, decimal = (",", ".") if locale == "en" else (".", ",")
    # the language's own convention first; the other one only when the first cannot apply
    value = _read_number(token, group, decimal)
    if value is None:
        value = _read_number(token, decimal, group)
    if value is not None:
        readings.add((value * Decimal(10) ** exponent).normalize())
    return readings


def _read_number(token: str, group: str, decimal: str) -> Decimal | None:
    whole, frac = token.rsplit(decimal, 1) if decimal in token else (token, "")
    if decimal in whole:
        return None
    groups = whole.split(group)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    try:
        return Decimal("".join(groups) + ("." + frac if frac else ""))
    except InvalidOperation:
        return None


def _spelled(text: str, locale: str, value) -> bool:
    """True when a small whole number is written out as a word in the text."""
    words = _NUMBER_WORDS.get(locale, [])
    if not isinstance(value, Decimal) or value != value.to_integral() or not 1 <= value <= len(words):
        return False
    return re.search(rf"(?<!\w)(?:{words[int(value) - 1]})(?!\w)", text, re.IGNORECASE) is not None


def _unmatched(left: Iterable, right: Iterable) -> tuple[list, list]:
    """Items of each side with no partner sharing a reading on the other side."""
    rest = list(right)
    lonely = []
    for item in left:
        partner = next((other for other in rest if other.readings & item.readings), None)
        if partner is None:
            lonely.append(item)
        else:
            rest.remove(partner)
    return lonely, rest


def _check_numbers(src: _Text, tgt: _Text) -> list[Problem]:
    missing, extra = _unmatched(src.numbers, tgt.numbers)
    # "2" against "two"/"dy"/"два" is a correct translation
    missing = [n for n in missing if not any(_spelled(tgt.prose, tgt.locale, r) for r in n.readings)]
    extra = [n for n in extra if not any(_spelled(src.prose, src.locale, r) for r in n.readings)]
    if not (missing or extra):
        return []
    details = {"source": [n.text for n in missing], "target": [n.text for n in extra]}
    message = _l("Numbers differ from the source (source: %(source)s; translation: %(target)s).",
                 source=", ".join(details["source"]) or "–",
                 target=", ".join(details["target"]) or "–")
    return [Problem("numbers", message, True, details)]


# dates


_MONTHS = {
    "en": ["January|Jan", "February|Feb", "March|Mar", "April|Apr", "May", "June|Jun",
           "July|Jul", "August|Aug", "September|Sept|Sep", "October|Oct", "November|Nov",
           "December|Dec"],
    "sq": ["janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator",
           "tetor", "nëntor", "dhjetor"],
    "mk": ["јануари", "февруари", "март", "април", "мај", "јуни", "јули", "август", "септември",
           "октомври", "ноември", "декември"],
}
_MONTH_SUFFIX = {"en": r"\.?", "sq": r"(?:it|in|i)?", "mk": ""}
_DAY_SUFFIX = r"(?:-?(?:st|nd|rd|th|ви|ри|ти|ми|të|ta))?\.?"


def _month_pattern(locale: str) -> tuple[str, dict[str, int], int]:
    names = {}
    for number, forms in enumerate(_MONTHS.get(locale, _MONTHS["en"]), start=1):
        for form in forms.split("|"):
            names[form.lower()] = number
    forms = sorted(names, key=len, reverse=True)
    # English month names are capitalized ("may" and "march" are verbs); elsewhere any case
    if locale == "en":
        forms = [form.capitalize() for form in forms]
    flags = 0 if locale == "en" else re.IGNORECASE
    suffix = _MONTH_SUFFIX.get(locale, "")
    return rf"(?<!\w)(?P<mon>{'|'.join(forms)}){suffix}(?!\w)", names, flags


def _extract_dates(text: str, locale: str) -> tuple[list[_Found], str]:
    """Dates read as (day or None, month), and the text with those parts blanked (years stay)."""
    month, names, flags = _month_pattern(locale)
    found: list[tuple[int, _Found]] = []

    def take(pattern: str, read, pattern_flags: int = 0) -> None:
        nonlocal text
        for match in list(re.finditer(pattern, text, pattern_flags)):
            readings = read(match)
            if readings:
                found.append((match.start(), _Found(match.group(0).strip(), frozenset(readings))))
                start, end = match.span("date")
                text = text[:start] + " " * (end - start) + text[end:]

    def day_month(day: str, month_number: int) -> set:
        return {(int(day), month_number)} if 1 <= int(day) <= 31 and 1 <= month_number <= 12 else set()

    def numeric(match) -> set:
        readings = day_month(match.group("a"), int(match.group("b")))
        if locale == "en" and match.group("sep") == "/":
            readings |= day_month(match.group("b"), int(match.group("a")))  # 3/14/2024 in American order
        return readings

    def named(match) -> set:
        number = names[match.group("mon").lower()]
        day = match.groupdict().get("d")
        return day_month(day, number) if day else {(None, number)}

    take(r"(?<![\d.])\d{4}-(?P<date>(?P<m>\d{2})-(?P<d>\d{2}))(?!\d)",
         lambda m: day_month(m.group("d"), int(m.group("m"))))
    take(r"(?<![\d.,])(?P<date>(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep))(?:\d{4}|\d{2})(?!\d)",
         numeric)
    take(rf"(?<![\d.,])(?P<date>(?P<d>\d{{1,2}}){_DAY_SUFFIX}\s+{month})", named, flags)
    take(rf"(?P<date>{month}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?)(?![\d.,]\d)", named, flags)
    # a bare capitalized "Mars" in Albanian is the planet
    bare = rf"(?P<date>(?!(?-i:Mars)){month})" if locale == "sq" else rf"(?P<date>{month})"
    take(bare, named, flags)
    return [date for _, date in sorted(found, key=lambda pair: pair[0])], text


def _bare(date: _Found) -> bool:
    return all(day is None for day, _ in date.readings)


def _check_dates(src: _Text, tgt: _Text) -> list[Problem]:
    missing, extra = _unmatched(src.dates, tgt.dates)
    # a month without a day ("in May", but also "Theresa May") counts only against another one
    if not (any(_bare(d) for d in missing) and any(_bare(d) for d in extra)):
        missing = [d for d in missing if not _bare(d)]
        extra = [d for d in extra if not _bare(d)]
    if not (missing or extra):
        return []
    details = {"source": [d.text for d in missing], "target": [d.text for d in extra]}
    message = _l("Dates differ from the source (source: %(source)s; translation: %(target)s).",
                 source=", ".join(details["source"]) or "–",
                 target=", ".join(details["target"]) or "–")
    return [Problem("dates", message, True, details)]


# glossary


def _kept_pattern(term: str, locale: str) -> re.Pattern:
    # exactly as written; sq and mk may still add a case ending ("MEK-ut", "Kurtit")
    ending = r"[^\W\d_]*" if locale in ("sq", "mk") else r"(?![^\W\d_])"
    return re.compile(r"(?<!\w)" + re.escape(term) + ending)


def _check_glossary(src: _Text, tgt: _Text, glossary: Sequence[GlossaryRule]) -> list[Problem]:
    problems = []
    source_text = normalize_text(src.prose)
    target_text = normalize_text(tgt.prose)
    for rule in glossary:
        if not rule.term.strip() or not rule_pattern(rule, src.locale).search(source_text):
            continue
        if rule.do_not_translate:
            if not _kept_pattern(rule.term, tgt.locale).search(target_text):
                message = _l("“%(term)s” must stay as it is.", term=rule.term)
                problems.append(Problem("glossary", message, True, {"term": rule.term}))
            continue
        # a term that lists its forms accepts exactly those; one that does not, its base
        # with a case ending of the language. Never a near miss: "Tetovo" is not "Tetovë".
        if getattr(rule, "forms", ()):
            accepted = forms_pattern(_target_forms(rule), tgt.locale)
        else:
            accepted = term_pattern(rule.translation, tgt.locale) if rule.translation else None
        if accepted is not None and not accepted.search(target_text):
            message = _l("“%(term)s” should be translated as “%(translation)s”.",
                         term=rule.term, translation=rule.translation)
            details = {"term": rule.term, "translation": rule.translation}
            problems.append(Problem("glossary", message, True, details))
    return problems


def _target_forms(rule) -> tuple[str, ...]:
    forms = getattr(rule, "target_forms", None)
    return forms if forms is not None else tuple(f for f in (rule.translation,) if f)


# script and copies


def _without_terms(text: str, glossary: Sequence[GlossaryRule]) -> str:
    for rule in glossary:
        listed = [form for pair in getattr(rule, "forms", ()) for form in pair]
        for term in sorted({rule.term, *_target_forms(rule), *listed}, key=len, reverse=True):
            if term and term.strip():
                text = re.sub(re.escape(term), " ", text, flags=re.IGNORECASE)
    return text


def _kept_latin(word: str) -> bool:
    """Acronyms of up to five capitals (NATO) and brand names with inner capitals (BalkanView)."""
    return (word.isupper() and len(word) <= 5) or any(c.isupper() for c in word[1:])


def _check_script(tgt: _Text, glossary: Sequence[GlossaryRule]) -> list[Problem]:
    wrong = []
    for word in _WORD.findall(_without_terms(tgt.prose, glossary)):
        latin, cyrillic = bool(_LATIN.search(word)), bool(_CYRILLIC.search(word))
        if latin and cyrillic:
            wrong.append(word)  # a look-alike letter typed on the wrong keyboard
        elif tgt.locale == "mk" and latin and not _kept_latin(word):
            wrong.append(word)
        elif tgt.locale != "mk" and cyrillic:
            wrong.append(word)
    if not wrong:
        return []
    words = list(dict.fromkeys(wrong))
    message = _l("Words in the wrong script: %(words)s.", words=", ".join(words))
    return [Problem("script", message, True, {"words": words})]


def _check_identical(src: _Text, tgt: _Text, glossary: Sequence[GlossaryRule]) -> list[Problem]:
    if src.locale == tgt.locale or normalize_text(src.raw) != normalize_text(tgt.raw):
        return []
    # names, acronyms and numbers are rightly the same in every language; ordinary words are not
    words = _WORD.findall(_without_terms(src.prose, glossary))
    if not any(word[0].islower() for word in words if len(word) > 1):
        return []
    return [Problem("identical", _l("The translation is identical to the source."), False)]
