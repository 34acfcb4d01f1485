"""Snippets of what was written, with the words that matched marked; always escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

from bv.search.folding import WORD, Term, fold_word

SNIPPET_WORDS = 30


def _hits(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the words that answer a term sit in the text."""
    return [
        match.span()
        for match in WORD.finditer(text)
        if any(term.matches(fold_word(match.group(0))) for term in terms)
    ]


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
    """About `size` words around the first match, escaped and marked; None without a match."""
    text = text or ""
    spans = _hits(text, terms)
    if not spans:
        return None
    words = [m.span() for m in WORD.finditer(text)]
    first = next(i for i, span in enumerate(words) if span == spans[0])
    lo = max(0, first - size // 3)
    hi = min(len(words), lo + size)
    start = 0 if lo == 0 else words[lo][0]
    end = len(text) if hi == len(words) else words[hi - 1][1]
    inside = [s for s in spans if s[0] >= start and s[1] <= end]
    body = _marked(text[start:end], [(a - start, b - start) for a, b in inside])
    return Markup("%s%s%s") % ("… " if start else "", body, " …" if end < len(text) else "")
