"""Snippets of what was written, with the words that matched marked; always escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

from bv.search.folding import WORD, Term, fold_word

SNIPPET_WORDS = 30


def _answers(word: str, terms: list[Term]) -> bool:
    folded = fold_word(word)
    return any(term.matches(folded) for term in terms)


def _hits(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the words that answer a term sit in the text."""
    return [match.span() for match in WORD.finditer(text) if _answers(match.group(0), terms)]


def _marked(text: str, spans: list[tuple[int, int]]) -> Markup:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def highlight(text: str, terms: list[Term]) -> Markup:
    """The whole text, escaped, with matching words in <mark>."""
    text = text or ""
    return _marked(text, _hits(text, terms))


def snippet(text: str, terms: list[Term], size: int = SNIPPET_WORDS) -> Markup | None:
    """About `size` words around the first match, escaped and marked; None without a match.

    Words are folded only up to the end of the snippet, not through a whole long body."""
    text = text or ""
    words = [m.span() for m in WORD.finditer(text)]
    first = next((i for i, (a, b) in enumerate(words) if _answers(text[a:b], terms)), None)
    if first is None:
        return None
    lo = max(0, first - size // 3)
    hi = min(len(words), lo + size)
    start = 0 if lo == 0 else words[lo][0]
    end = len(text) if hi == len(words) else words[hi - 1][1]
    inside = [(a - start, b - start) for a, b in words[lo:hi] if _answers(text[a:b], terms)]
    body = _marked(text[start:end], inside)
    return Markup("%s%s%s") % ("… " if start else "", body, " …" if end < len(text) else "")
