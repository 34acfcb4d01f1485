"""What an import did (or would do), as counts and lists the CLI prints and the newsroom shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    """Everything a newsroom needs to trust an import."""

    dry_run: bool = False
    wxr_version: str = ""
    languages_from: str = ""  # "polylang", "wpml" or "default"
    permalinks: str = ""
    language_urls: str = ""
    # (post type, WordPress status, language) -> items
    counts: Counter = field(default_factory=Counter)
    # why items were left out -> how many
    skipped: Counter = field(default_factory=Counter)
    articles_created: int = 0
    articles_updated: int = 0
    groups_complete: int = 0
    # (headline or link, missing languages)
    groups_incomplete: list = field(default_factory=list)
    orphans: list = field(default_factory=list)
    non_reciprocal: list = field(default_factory=list)
    media_found: int = 0
    # (file or URL, post link)
    media_missing: list = field(default_factory=list)
    # (post link, what)
    unsupported: list = field(default_factory=list)
    pages_unmatched: list = field(default_factory=list)
    categories_created: int = 0
    tags_created: int = 0
    authors_created: int = 0
    redirects: int = 0
    contested: list = field(default_factory=list)
    # set when the export names no language and everything was taken as this one
    default_language: str = ""
    # `future` posts dated beyond the scheduling limit: kept as drafts
    too_far_ahead: list = field(default_factory=list)

    def as_dict(self) -> dict:
        """Plain data for a job's result (JSON)."""
        data = {k: v for k, v in self.__dict__.items()}
        data["counts"] = [[*k, n] for k, n in sorted(self.counts.items())]
        data["skipped"] = dict(self.skipped)
        return data

    def lines(self) -> list[str]:
        """The report as text for the terminal (English: it is an operator's tool)."""
        out = [("DRY RUN: nothing was written. " if self.dry_run else "")
               + f"WXR {self.wxr_version}; languages from {self.languages_from}; "
               f"permalinks {self.permalinks or '?'}; language URLs {self.language_urls}"]
        out.append("Items (type, status, language):")
        for (kind, status, lang), n in sorted(self.counts.items()):
            out.append(f"  {kind:10} {status:8} {lang or '-':3} {n}")
        for reason, n in sorted(self.skipped.items()):
            out.append(f"Skipped ({reason}): {n}")
        out.append(f"Articles created: {self.articles_created}, updated: {self.articles_updated}")
        out.append(f"Categories created: {self.categories_created}, tags created: "
                   f"{self.tags_created}, staff accounts created: {self.authors_created}")
        out.append(f"Translation groups complete: {self.groups_complete}, "
                   f"missing a language: {len(self.groups_incomplete)}")
        out += [f"  {what}: missing {', '.join(missing)}" for what, missing in self.groups_incomplete]
        out.append(f"Orphan translations: {len(self.orphans)}")
        out += [f"  {o}" for o in self.orphans]
        out.append(f"Non-reciprocal language links: {len(self.non_reciprocal)}")
        out += [f"  {o}" for o in self.non_reciprocal]
        out.append(f"Media found: {self.media_found}, missing: {len(self.media_missing)}")
        out += [f"  missing {name} (in {link})" for name, link in self.media_missing]
        out.append(f"Unsupported content: {len(self.unsupported)}")
        out += [f"  {what} in {link}" for link, what in self.unsupported]
        if self.pages_unmatched:
            out.append("Pages not imported (no matching bv page):")
            out += [f"  {link}" for link in self.pages_unmatched]
        out.append(f"Redirects: {self.redirects}")
        out += [f"  contested (kept by an earlier import): {p}" for p in self.contested]
        if self.default_language:
            out.append("The export names no language (a plain WPML export carries none): "
                       f"every item was taken as {self.default_language}.")
        out += [f"Scheduled too far ahead, kept as a draft: {link}" for link in self.too_far_ahead]
        return out
