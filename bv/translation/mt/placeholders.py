"""Protect inline Markdown and glossary terms with placeholders; restore them after translation.

Placeholders are numbered and self-contained, so an engine may move them but has no reason to
translate them:

- text providers (Google, MyMemory) get `{7}`: engines keep bare numbers in braces (the
  ICU/`str.format` convention they see everywhere); answers with spaces inside (`{ 7 }`) still parse;
- HTML providers (LibreTranslate format=html, Microsoft textType=html, DeepL tag_handling=xml)
  get `<x id="7"/>`: markup they are built to carry over; `<x id="7"></x>` is accepted too.

Links keep their URL (or reference label): `[text](url)` becomes `{1}text{2}` where {1} restores to `[` and {2} to
`](url)`. Bold and emphasis markers are paired the same way; code spans, URLs, inline HTML,
hard line breaks and escapes are single placeholders. A glossary term is a single placeholder
that restores to its required translation, or to itself when it must not be translated.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bv.translation.mt.errors import PlaceholderError

TEXT = "text"
HTML = "html"

TOKEN_PATTERNS = {
    TEXT: re.compile(r"\{\s*(\d{1,6})\s*\}"),
    HTML: re.compile(r"""<x\s+id\s*=\s*["']?(\d{1,6})["']?\s*/?\s*>(?:\s*</x\s*>)?""", re.I),
}
_STRAY_HTML_CLOSE = re.compile(r"</x\s*>", re.I)

# one alternative per inline construct; earlier alternatives win at the same position
_INLINE = re.compile(
    r"""
    (?P<lookalike>\{\s*\d{1,6}\s*\})                                  # text already like {7}
  | (?P<code>(?P<ticks>`+).+?(?P=ticks))                              # `code`
  | (?P<tag><(?:https?://[^>\s]+|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?)>)  # <url>, <b>
  | (?P<link>(?P<lopen>!?\[)(?P<ltext>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)
        (?P<lclose>\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"\n]*")?\)
                  |\]\[[^\[\]\n]*\]))                                  # [text](url "t"), [text][ref]
  | (?P<url>\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"])  # bare URL
  | (?P<strong>(?P<sm>\*\*|__)(?=\S)(?P<stext>.+?)(?<=\S)(?P=sm))      # **bold**
  | (?P<em>\*(?=[^\s*])(?P<etext>.+?)(?<=[^\s*])\*)                # *em*
  | (?P<uem>(?<!\w)_(?=[^\s_])(?P<utext>.+?)(?<=[^\s_])_(?!\w))     # _em_
  | (?P<br>[ \t]*\\?\n[ \t]*)                                          # line breaks
  | (?P<esc>\\[\\`*_{}\[\]()#+\-.!<>|])                                # \* escapes
    """,
    re.X | re.S,
)
_BLOCK_PREFIX = re.compile(r"(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")


class GlossaryLike(Protocol):
    term: str
    translation: str | None
    do_not_translate: bool


@dataclass(frozen=True)
class GlossaryRule:
    """A term with its required translation, or one that must stay as written.

    `forms` are the term's inflected forms as (source form, target form) pairs: a source form
    the draft finds becomes that target form ("Tetovës" → "Тетово", "Тетово" → "Tetovën"); a
    pair with an empty source form only names another accepted target form ("", "Tetovës").
    """

    term: str
    translation: str | None = None
    do_not_translate: bool = False
    forms: tuple[tuple[str, str], ...] = ()

    @property
    def target_forms(self) -> tuple[str, ...]:
        """Every target form a translation may use: the base translation and the listed ones."""
        forms = [self.translation or ""] + [target for _source, target in self.forms]
        return tuple(dict.fromkeys(f for f in forms if f.strip()))

    def target_for(self, found: str) -> tuple[str, bool]:
        """(target form, certain) for a source form found in a text.

        Certain when the found form is listed, or is the term itself and no form depends on
        the target sentence; otherwise the base translation, to be reviewed.
        """
        key = found.casefold()
        for source, target in self.forms:
            if source and source.casefold() == key:
                return target, True
        base = self.translation or found
        exact = key == self.term.casefold()
        return base, exact and not any(not source for source, _target in self.forms)


@dataclass
class Token:
    """One placeholder: what it restores to, and its partner if it opens or closes markup."""

    id: int
    value: str
    role: str = "atom"  # "open", "close" or "atom"
    partner: int | None = None


@dataclass
class Protected:
    """A segment split into literal text and placeholders."""

    source: str
    parts: list[str | Token] = field(default_factory=list)

    @property
    def tokens(self) -> list[Token]:
        return [p for p in self.parts if isinstance(p, Token)]

    def needs_translation(self) -> bool:
        """False when nothing but placeholders, digits and punctuation is left."""
        return any(isinstance(p, str) and any(c.isalpha() for c in p) for p in self.parts)

    def render(self, markup: str) -> str:
        """The text sent to a provider speaking `markup` ("text" or "html")."""
        out = []
        for part in self.parts:
            if isinstance(part, Token):
                out.append(render_token(part.id, markup))
            else:
                out.append(html.escape(part, quote=False) if markup == HTML else part)
        return "".join(out)

    def restore_unchanged(self) -> str:
        """The segment with glossary replacements but no translation (nothing to translate)."""
        return "".join(p.value if isinstance(p, Token) else p for p in self.parts)

    def restore(self, answer: str, markup: str) -> str:
        """Put the placeholders of a translated answer back; PlaceholderError if any is off."""
        pattern = TOKEN_PATTERNS[markup]
        matches = list(pattern.finditer(answer))
        expected = {t.id: t for t in self.tokens}
        seen = Counter(int(m.group(1)) for m in matches)
        problems = []
        missing = sorted(i for i in expected if seen[i] == 0)
        doubled = sorted(i for i in expected if seen[i] > 1)
        unexpected = sorted(i for i in seen if i not in expected)
        if missing:
            problems.append(f"missing {missing}")
        if doubled:
            problems.append(f"duplicated {doubled}")
        if unexpected:
            problems.append(f"unexpected {unexpected}")
        if not problems:
            position = {int(m.group(1)): m.start() for m in matches}
            swapped = [t.id for t in expected.values()
                       if t.role == "open" and position[t.id] > position[t.partner]]
            if swapped:
                problems.append(f"closed before opened {swapped}")
        if problems:
            raise PlaceholderError(detail="; ".join(problems) + f" in {answer[:200]!r}")

        pieces: list[str | Token] = []
        pos = 0
        for m in matches:
            pieces.append(_literal(answer[pos:m.start()], markup))
            pieces.append(expected[int(m.group(1))])
            pos = m.end()
        pieces.append(_literal(answer[pos:], markup))
        # engines like to put spaces inside paired markup ("** bold **"), which breaks Markdown;
        # markup around nothing but a space ("[ ](url)") keeps it, as the source had it
        for i, piece in enumerate(pieces):
            if isinstance(piece, Token) and piece.role == "open" and i + 1 < len(pieces):
                if isinstance(pieces[i + 1], str) and pieces[i + 1].strip():
                    pieces[i + 1] = pieces[i + 1].lstrip()
            if isinstance(piece, Token) and piece.role == "close" and i > 0:
                if isinstance(pieces[i - 1], str) and pieces[i - 1].strip():
                    pieces[i - 1] = pieces[i - 1].rstrip()
        return "".join(p.value if isinstance(p, Token) else p for p in pieces).strip()


def render_token(token_id: int, markup: str) -> str:
    """How placeholder `token_id` is written for a provider speaking `markup`."""
    return f"{{{token_id}}}" if markup == TEXT else f'<x id="{token_id}"/>'


def token_ids(text: str, markup: str) -> list[int]:
    """The placeholder numbers found in a text, in order."""
    return [int(m.group(1)) for m in TOKEN_PATTERNS[markup].finditer(text)]


def _literal(chunk: str, markup: str) -> str:
    """Answer text between placeholders, unescaped for HTML providers."""
    if markup == HTML:
        return html.unescape(_STRAY_HTML_CLOSE.sub("", chunk))
    return chunk


# a final vowel that inflection replaces (Tetovë → Tetovës, Општина → општината)
_STEM_VOWELS = "aeiouëyаеиоу"
# the case and definiteness endings of nouns and names, and nothing else: "општинската"
# (municipal, an adjective) is not a form of "општина", nor "Tetovo" (Macedonian) of "Tetovë"
_ENDINGS = {
    "sq": ("a", "e", "ë", "i", "u", "n", "s", "t", "in", "it", "ut", "un", "ën", "ës", "ët",
           "së", "në", "të", "ja", "je", "jes", "jen", "ve", "at", "et", "ra", "rë", "ri",
           "rin", "rit", "ave", "ëve", "rat", "rave", "ërat", "ëra", "ni"),
    "mk": ("а", "о", "е", "и", "у", "от", "ов", "он", "та", "то", "те", "ва", "во", "ве",
           "на", "но", "не", "ата", "ото", "ете", "ите", "ови", "овите", "ој", "ои", "ци",
           "ците", "иња", "ињата", "ја", "ии", "иите"),
}


def term_regex(term: str, locale: str | None) -> str:
    """A term as a regular expression (no word boundaries) that tolerates inflection in sq and mk.

    Each word is its stem (without a final vowel) and at most one case or definiteness ending
    of the language (_ENDINGS), so "Tetovë" matches "Tetovës" and "Tetova" but not "tetor" or
    "Tetovo", "Shkup" not "shkarkuar", and "општина" not the adjective "општинската". English
    allows a plural or possessive ending; no locale means the term exactly as written.
    """
    parts = []
    for word in term.split():
        if locale in ("sq", "mk"):
            stem = word[:-1] if len(word) > 3 and word[-1].lower() in _STEM_VOWELS else word
            # the ending replaces the final vowel (Tetovë → Tetovës) or follows it
            # (Собрание → Собранието)
            base = re.escape(stem) if stem == word else f"(?:{re.escape(word)}|{re.escape(stem)})"
            endings = sorted(set(_ENDINGS[locale]), key=len, reverse=True)
            parts.append(base + "(?:" + "|".join(map(re.escape, endings)) + ")?")
        else:
            parts.append(re.escape(word))
    tail = r"(?:'s|’s|s|es)?" if locale == "en" else ""
    return r"\s+".join(parts) + tail


def forms_pattern(forms: Iterable[str], locale: str | None) -> re.Pattern | None:
    """Whole words that are exactly one of `forms` (any case, any spacing); None for no forms.

    This is how a translation is accepted: only the forms a glossary term lists, never a
    near miss. English keeps its plural or possessive ending.
    """
    words = [r"\s+".join(map(re.escape, f.split())) for f in forms if f.strip()]
    if not words:
        return None
    tail = r"(?:'s|’s|s|es)?" if locale == "en" else ""
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + ")" + tail + r"(?!\w)", re.IGNORECASE)


def term_pattern(term: str, locale: str | None) -> re.Pattern:
    """term_regex() as whole words, any case: the one matching rule of drafting and checks."""
    return re.compile(r"(?<!\w)" + term_regex(term, locale) + r"(?!\w)", re.IGNORECASE)


def rule_regex(rule: GlossaryLike, locale: str | None) -> str:
    """A rule's term with its endings, or any source form it lists (irregular ones too)."""
    listed = [r"\s+".join(map(re.escape, source.split()))
              for source, _target in getattr(rule, "forms", ()) if source.strip()]
    return "|".join([term_regex(rule.term.strip(), locale), *sorted(listed, key=len, reverse=True)])


def rule_pattern(rule: GlossaryLike, locale: str | None) -> re.Pattern:
    """rule_regex() as whole words, any case: where a source text uses a glossary term."""
    return re.compile(r"(?<!\w)(?:" + rule_regex(rule, locale) + r")(?!\w)", re.IGNORECASE)


class Protector:
    """Turns segments into Protected ones; numbers are unique across everything it protects.

    With `locale` (the source language), glossary terms match their inflected forms the way the
    review check does (term_pattern); without it, only as written.
    """

    def __init__(self, glossary: Iterable[GlossaryLike] = (), locale: str | None = None):
        self._ids = itertools.count(1)
        self._rules: dict[str, GlossaryLike] = {}
        for rule in glossary:
            term = (rule.term or "").strip()
            if term and (rule.do_not_translate or rule.translation):
                self._rules[term.casefold()] = rule
        # longest terms first: they win over shorter overlaps at the same position
        self._order = sorted(self._rules, key=len, reverse=True)
        alternatives = "|".join(
            f"(?P<g{i}>{rule_regex(self._rules[term], locale)})"
            for i, term in enumerate(self._order)
        )
        self._terms = (
            re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.I) if self._order else None
        )

    def protect(self, text: str) -> Protected:
        """Split one segment into literal text and placeholders."""
        parts: list[str | Token] = []
        body = text
        prefix = _BLOCK_PREFIX.match(text)
        if prefix:
            parts.append(self._atom(prefix.group(0)))
            body = text[prefix.end():]
        parts.extend(self._inline(body))
        return Protected(source=text, parts=_merge(parts))

    def protect_all(self, texts: Sequence[str]) -> list[Protected]:
        """protect() each text; placeholder numbers never repeat across them."""
        return [self.protect(t) for t in texts]

    def _atom(self, value: str) -> Token:
        """A placeholder that restores to `value`."""
        return Token(next(self._ids), value)

    def _pair(self, opening: str, inner: str, closing: str) -> list[str | Token]:
        """Opening and closing placeholders around text that is translated."""
        start = Token(next(self._ids), opening, "open")
        middle = self._inline(inner)
        end = Token(next(self._ids), closing, "close", partner=start.id)
        start.partner = end.id
        return [start, *middle, end]

    def _inline(self, text: str) -> list[str | Token]:
        """Inline Markdown to placeholders, recursively inside links and emphasis."""
        parts: list[str | Token] = []
        pos = 0
        for m in _INLINE.finditer(text):
            parts.extend(self._glossary(text[pos:m.start()]))
            kind = _kind(m)
            if kind == "link":
                parts.extend(self._pair(m.group("lopen"), m.group("ltext"), m.group("lclose")))
            elif kind == "strong":
                parts.extend(self._pair(m.group("sm"), m.group("stext"), m.group("sm")))
            elif kind == "em":
                parts.extend(self._pair("*", m.group("etext"), "*"))
            elif kind == "uem":
                parts.extend(self._pair("_", m.group("utext"), "_"))
            else:
                parts.append(self._atom(m.group(0)))
            pos = m.end()
        parts.extend(self._glossary(text[pos:]))
        return parts

    def terms_in(self, text: str) -> list[tuple[GlossaryLike, str]]:
        """(rule, form as found) for every glossary term in a text, the way protect() finds them."""
        if not text or self._terms is None:
            return []
        return [(self._rules[self._order[int(m.lastgroup[1:])]], m.group(0))
                for m in self._terms.finditer(text)]

    def _glossary(self, text: str) -> list[str | Token]:
        """Glossary terms (whole words, any case) in literal text to placeholders."""
        if not text or self._terms is None:
            return [text] if text else []
        parts: list[str | Token] = []
        pos = 0
        for m in self._terms.finditer(text):
            parts.append(text[pos:m.start()])
            found = m.group(0)
            rule = self._rules[self._order[int(m.lastgroup[1:])]]
            if rule.do_not_translate or not rule.translation:
                value = found
            else:
                chooser = getattr(rule, "target_for", None)
                value = chooser(found)[0] if chooser else rule.translation
                if found[:1].isupper() and value[:1].islower():
                    value = value[:1].upper() + value[1:]
            parts.append(self._atom(value))
            pos = m.end()
        parts.append(text[pos:])
        return [p for p in parts if p != ""]


_KINDS = ("lookalike", "code", "tag", "link", "url", "strong", "em", "uem", "br", "esc")


def _kind(match: re.Match) -> str:
    """The top-level alternative that matched (lastgroup may name an inner group)."""
    for name in _KINDS:
        if match.group(name) is not None:
            return name
    raise AssertionError("unreachable")


def _merge(parts: list[str | Token]) -> list[str | Token]:
    """Join neighbouring literal strings and drop empty ones."""
    merged: list[str | Token] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return merged
