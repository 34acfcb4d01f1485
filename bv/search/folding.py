"""How text and queries are folded so that scripts, diacritics and digraphs meet.

Both sides go through `fold_word`: lower case, Macedonian Cyrillic to Latin with the slug
table (`bv.articles.slugs`: ѓ→gj, ќ→kj, џ→dzh, ...), diacritics dropped (ë→e, ç→c), and then
the digraphs reduced to their first letter (dzh→dz, gj→g, kj→k, lj→l, nj→n, ch→c, sh→s,
zh→z, xh→x, dh→d, th→t, ll→l, rr→r), because readers type `gorce`, `dzamija` or `cesht`
for Ѓорче, џамија and çështje. Two words that fold alike match; what readers see is always
the text as written.

Stem rule (queries only): a folded query word of five or more letters loses the longest
ending of `ENDINGS` (Albanian and Macedonian case and article endings, folded) that leaves
at least four letters, and the stem is matched as a prefix of indexed words. So `tetova`,
`tetovë`, `tetovës` and `Тетово` all search `tetov*`. A one-letter word is matched whole,
and is dropped when the query has longer words (Albanian "e", Macedonian "и").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bv.articles.slugs import MK_REPLACEMENTS

# the rest of the Macedonian alphabet; the slug table holds the letters that need digraphs
_MK_PLAIN = dict(zip("абвгдезиклмнопрстуф", "abvgdeziklmnoprstuf", strict=True))
_MK_TO_LATIN = {**_MK_PLAIN, **{k: v.lower() for k, v in MK_REPLACEMENTS if k.islower()}}
# Russian/Serbian letters readers may paste; the same Latin as their nearest Macedonian kin
_MK_TO_LATIN.update({"й": "j", "ё": "e", "ы": "y", "э": "e", "ю": "ju", "я": "ja",
                     "щ": "sht", "ъ": "", "ь": "", "ћ": "kj", "ђ": "gj", "і": "i", "ї": "i",
                     "є": "e", "ґ": "g"})

# longest first: "dzh" must become "dz" before "zh" could turn it into "dz" + "h"
DIGRAPHS = ("dzh", "gj", "kj", "lj", "nj", "ch", "sh", "zh", "xh", "dh", "th", "ll", "rr")
_DIGRAPH = re.compile("|".join(DIGRAPHS))

# folded case and article endings of Albanian and Macedonian, longest tried first
ENDINGS = tuple(sorted(
    {
        # Albanian: -it, -in, -së/-ës, -ët, -at, -et, -ut, -në/-ën, -ja, -ia, -ave, -eve, -a, -e, -i,
        # -u (not a bare -ve, which would cut "tetovë" to "teto")
        "it", "in", "se", "es", "et", "at", "ut", "en", "ne", "ja", "ia", "ave", "eve",
        # Macedonian: -от, -та, -то, -те, -ите, -ата, -ови, -еви, -ски, -ска, -ско
        "ot", "ta", "to", "te", "ite", "ata", "ovi", "evi",
        "a", "e", "i", "o", "u",
    },
    key=len, reverse=True,
))
MIN_STEM = 4
STEM_FROM = 5
MAX_TERMS = 12

# a word: letters and digits of any script, nothing else (no FTS or SQL syntax survives)
WORD = re.compile(r"[^\W_]+")


def _latin(word: str) -> str:
    """Lower case, Cyrillic transliterated, diacritics and marks dropped."""
    word = word.lower()
    word = "".join(_MK_TO_LATIN.get(ch, ch) for ch in word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# a text's words repeat (Zipf), and snippets and the indexer fold every word they read
@lru_cache(maxsize=20_000)
def fold_word(word: str) -> str:
    """One word as the index compares it: `Ѓорче` → `gorce`, `Tetovës` → `tetoves`."""
    folded = _DIGRAPH.sub(lambda m: m.group(0)[:-1], _latin(word))
    return "".join(ch for ch in folded if ch.isalnum())


def words(text: str) -> list[str]:
    """The words of a text as written."""
    return WORD.findall(text or "")


def fold_text(text: str) -> str:
    """A text's folded words separated by spaces: the second, folded copy in the index."""
    return " ".join(f for f in (fold_word(w) for w in words(text)) if f)


def stem(folded: str) -> str:
    """A folded query word without its case ending (see the module docstring)."""
    if len(folded) < STEM_FROM:
        return folded
    for ending in ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM:
            return folded[: -len(ending)]
    return folded


@dataclass(frozen=True)
class Term:
    """One query word: as written (lower case) and as folded stem; `prefix` unless one letter."""

    written: str
    folded: str
    prefix: bool

    def matches(self, folded_word: str) -> bool:
        """Whether an indexed word (already folded) answers this term."""
        if self.prefix:
            return folded_word.startswith(self.folded)
        return folded_word == self.folded


def parse_query(text: str) -> list[Term]:
    """The terms of a reader's query; empty when nothing in it can be searched.

    Only letters and digits survive, so quotes, `*`, `:`, parentheses, NEAR/AND (as plain
    words), SQL and control characters can never reach MATCH or to_tsquery as syntax.
    """
    terms: list[Term] = []
    seen: set[str] = set()
    for word in words(text):
        folded = fold_word(word)
        if not folded:
            continue
        key = stem(folded)
        if key in seen:
            continue
        seen.add(key)
        terms.append(Term(written=word.lower(), folded=key, prefix=len(key) > 1))
        if len(terms) == MAX_TERMS:
            break
    longer = [t for t in terms if t.prefix]
    return longer or terms
