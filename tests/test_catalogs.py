"""UI catalogs: complete, real Albanian and Macedonian, placeholders intact."""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bv.i18n import catalogs


def test_catalogs_are_complete_and_current():
    report = catalogs.check()
    assert report.ok, "\n".join(report.problems)


def _write(tmp_path: Path, locale: str, entries) -> Path:
    catalog = Catalog(locale=locale)
    for msgid, msgstr, flags in entries:
        catalog.add(msgid, msgstr, flags=flags)
    path = tmp_path / f"{locale}.po"
    with path.open("wb") as f:
        write_po(f, catalog)
    return path


def test_check_catches_every_kind_of_broken_entry(tmp_path):
    path = _write(
        tmp_path,
        "mk",
        [
            ("Home", "Home", ()),  # copied from English
            ("Search", "", ()),  # untranslated
            ("Latest", "Најново", ("fuzzy",)),  # fuzzy
            ("By %(author)s", "Од %(avtor)s", ()),  # broken placeholder
            ("Contact", "Kontakt", ()),  # Latin in Macedonian
            ("Language", "Јазик", ()),  # fine
        ],
    )
    problems = catalogs.check_catalog(path, "mk")
    joined = "\n".join(problems)
    assert "'Home' is copied from English" in joined
    assert "'Search' is untranslated" in joined
    assert "'Latest' is fuzzy" in joined
    assert "'By %(author)s' placeholders" in joined
    assert "'Contact' has no Cyrillic" in joined
    assert "Language" not in joined
    assert len(problems) == 6  # "Home" is both copied and Latin


def test_catalog_files_exist_for_required_locales():
    for locale in catalogs.REQUIRED:
        assert (catalogs.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").exists()


def _write_plural(tmp_path: Path, locale: str, singular: str, plural: str) -> Path:
    catalog = Catalog(locale=locale)
    catalog.add(("%(num)s article", "%(num)s articles"), (singular, plural))
    path = tmp_path / f"{locale}-plural.po"
    with path.open("wb") as f:
        write_po(f, catalog)
    return path


def test_only_the_singular_may_leave_out_the_number(tmp_path):
    # "one article" in the singular is fine
    fine = _write_plural(tmp_path, "mk", "еден напис", "%(num)s написи")
    assert catalogs.check_catalog(fine, "mk") == []
    # the plural form without its number would print "написи" for 5 articles
    broken = _write_plural(tmp_path, "mk", "%(num)s напис", "написи")
    problems = catalogs.check_catalog(broken, "mk")
    assert len(problems) == 1
    assert "'%(num)s article' msgstr[1] placeholders" in problems[0]
    # and no form may bring in a placeholder the English does not have
    extra = _write_plural(tmp_path, "sq", "%(num)s artikull", "%(num)s artikuj nga %(name)s")
    assert len(catalogs.check_catalog(extra, "sq")) == 1
