"""XLIFF and PO exchange: round trips through translate-toolkit, broken files, mismatches."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage import pypo, xliff

from bv.translation.exchange import (
    ExchangeDocument,
    ExchangeError,
    ExchangeUnit,
    compare,
    export_po,
    export_xliff,
    parse,
)

FORMATS = [(export_xliff, "article-12-mk.xlf"), (export_po, "article-12-mk.po")]


def document() -> ExchangeDocument:
    return ExchangeDocument(
        article_id=12, source_locale="sq", target_locale="mk", source_revision=34,
        translation_version=5,
        units=[
            ExchangeUnit("headline", "Kuvendi miratoi buxhetin për 2025",
                         "Собранието го донесе буџетот за 2025", "reviewed", note="Headline"),
            ExchangeUnit("lede", "Deputetët votuan pas një debati të gjatë & të ashpër.",
                         "Пратениците гласаа по долга и остра дебата.", "translated"),
            ExchangeUnit(
                "b1",
                "Sipas [Ministrisë së Financave](https://financa.gov.al/buxheti?viti=2025&v=2), "
                "shpenzimet rriten për **3,5%**.",
                "Според [Министерството за финансии](https://financa.gov.al/buxheti?viti=2025&v=2), "
                "расходите растат за **3,5%**.",
                "outdated",
                previous_source="Sipas Ministrisë, shpenzimet rriten.",
            ),
            ExchangeUnit("b2", "Bul. Ilirya, Nr.5/2-1\\\n1200 Tetovo \"qendër\" <b>", "", "new"),
            ExchangeUnit("caption", "Seanca e Kuvendit", "Седница на Собранието", "translated"),
        ],
    )


@pytest.mark.parametrize(("export", "filename"), FORMATS)
def test_export_then_parse_gives_the_same_document(export, filename):
    doc = document()
    assert parse(export(doc), filename) == doc
    # the format is found from the content too
    assert parse(export(doc), "upload.bin") == doc


def test_xliff_carries_metadata_where_cat_tools_keep_it():
    store = xliff.xlifffile.parsestring(export_xliff(document()))
    assert store.getfilenames() == ["article-12"]
    filenode = store.getfilenode("article-12")
    assert (filenode.get("source-language"), filenode.get("target-language")) == ("sq", "mk")
    assert store.document.getroot().get("version") == "1.2"
    units = {u.xmlelement.get("resname"): u for u in store.units}
    assert units["b1"].xmlelement.get("id") == "b1"
    assert units["headline"].getlanguageNode(index=1).get("state") == "signed-off"
    assert units["b1"].getlanguageNode(index=1).get("state") == "needs-translation"
    # an untranslated unit carries its source as the target: OmegaT translates <target>
    assert units["b2"].getlanguageNode(index=1).get("state") == "new"
    assert units["b2"].target == units["b2"].source
    assert [u.xmlelement.get("approved") for u in store.units] == ["yes", None, None, None, None]


def test_po_carries_metadata_in_the_header():
    store = pypo.pofile(export_po(document()))
    header = store.parseheader()
    assert header["X-BV-Article-Id"] == "12"
    assert header["X-BV-Source-Revision"] == "34"
    assert header["X-BV-Translation-Version"] == "5"
    assert (header["X-Source-Language"], header["Language"]) == ("sq", "mk")
    units = {u.getcontext(): u for u in store.units if not u.isheader()}
    assert not units["headline"].isfuzzy()
    assert units["b1"].isfuzzy()
    assert units["b1"].prev_source == "Sipas Ministrisë, shpenzimet rriten."


def _target_of(root, key):
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    return root.find(f".//x:trans-unit[@resname='{key}']/x:target", ns)


def _set_target(root, key, fragment: str, state: str) -> None:
    """What a CAT tool does: new target content, source tags kept as tags."""
    target = _target_of(root, key)
    new = etree.fromstring(
        f'<target xmlns="urn:oasis:names:tc:xliff:document:1.2">{fragment}</target>')
    target.text = new.text
    for child in list(target):
        target.remove(child)
    for child in new:
        target.append(child)
    target.set("state", state)


def test_a_cat_tool_edit_in_xliff_comes_back():
    root = etree.fromstring(export_xliff(document()))
    source_b2 = etree.tostring(_target_of(root, "b2"), encoding="unicode")
    assert '<ph id="1">\\\n</ph>' in source_b2 and '<ph id="2">&lt;b&gt;</ph>' in source_b2
    _set_target(root, "b2", 'Бул. Илирија, бр. 5/2-1<ph id="1"/>1200 Тетово „центар“ '
                '<ph id="2">&lt;b&gt;</ph>', "translated")
    b1 = _target_of(root, "b1")
    assert b1.get("state") == "needs-translation"  # outdated: the new source, to translate
    _set_target(root, "b1", 'Според <bpt id="1">[</bpt>Министерството за финансии<ept id="1">'
                '](https://financa.gov.al/buxheti?viti=2025&amp;v=2)</ept>, расходите се '
                'зголемуваат за <bpt id="3">**</bpt>3,5%<ept id="3">**</ept>.', "translated")
    doc = parse(etree.tostring(root), "article-12-mk.xlf")
    by_key = {u.key: u for u in doc.units}
    assert by_key["b2"].target == "Бул. Илирија, бр. 5/2-1\\\n1200 Тетово „центар“ <b>"
    assert by_key["b2"].state == "translated"
    assert by_key["b1"].target == (
        "Според [Министерството за финансии](https://financa.gov.al/buxheti?viti=2025&v=2), "
        "расходите се зголемуваат за **3,5%**.")
    assert by_key["b1"].state == "translated"
    assert by_key["headline"] == document().units[0]
    assert doc.source_revision == 34 and doc.translation_version == 5


@pytest.mark.parametrize(("fragment", "reason"), [
    ('Според <bpt id="1">[</bpt>Министерството', "never closed"),
    ('Според <ept id="1">](x)</ept>Министерството<bpt id="1">[</bpt>', "closed before"),
    ('Според <ph id="9">x</ph>', "not in the source"),
    ('Според <bpt id="1">[</bpt>a<ept id="1">]</ept><bpt id="1">[</bpt>b<ept id="1">]</ept>',
     "twice"),
])
def test_broken_tag_pairs_name_the_unit(fragment, reason):
    root = etree.fromstring(export_xliff(document()))
    _set_target(root, "b1", fragment, "translated")
    with pytest.raises(ExchangeError) as error:
        parse(etree.tostring(root), "a.xlf")
    assert error.value.details["key"] == "b1"
    assert reason in error.value.details["reason"]
    assert "b1" in str(error.value.message)


def test_a_cat_tool_edit_in_po_comes_back():
    store = pypo.pofile(export_po(document()))
    units = {u.getcontext(): u for u in store.units}
    units["b2"].target = "Бул. Илирија, бр. 5/2-1"
    units["b1"].markfuzzy(False)
    units["lede"].markfuzzy(True)
    doc = parse(bytes(store), "article-12-mk.po")
    states = {u.key: u.state for u in doc.units}
    assert states == {"headline": "reviewed", "lede": "needs-review", "b1": "translated",
                      "b2": "translated", "caption": "translated"}
    assert doc.units[3].target == "Бул. Илирија, бр. 5/2-1"


def test_utf16_xliff_from_windows_tools_is_read():
    text = export_xliff(document()).decode("utf-8")
    data = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert parse(data, "upload") == document()


def test_xliff_1_1_from_older_tools_is_read():
    data = export_xliff(document()).replace(b"document:1.2", b"document:1.1")
    assert parse(data.replace(b'version="1.2"', b'version="1.1"'), "a.xlf") == document()


def test_language_codes_rewritten_by_tools_are_understood():
    data = export_xliff(document()).replace(b'target-language="mk"', b'target-language="mk-MK"')
    assert parse(data, "a.xlf").target_locale == "mk"


text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"), max_size=60
).filter(lambda s: s.strip() == s and s)
keys = st.lists(st.sampled_from(["headline", "lede", "caption", "alt"])
                | st.integers(1, 60).map(lambda n: f"b{n}"), min_size=1, max_size=6, unique=True)


@st.composite
def documents(draw):
    units = []
    for key in draw(keys):
        state = draw(st.sampled_from(["new", "translated", "reviewed", "needs-review", "outdated"]))
        units.append(ExchangeUnit(
            key=key, source=draw(text), target="" if state == "new" else draw(text), state=state,
            note=draw(st.just("") | text),
            previous_source=draw(text) if state == "outdated" else None,
        ))
    return ExchangeDocument(
        article_id=draw(st.integers(1, 10**6)), source_locale=draw(st.sampled_from(["sq", "mk", "en"])),
        target_locale=draw(st.sampled_from(["sq", "mk", "en"])),
        source_revision=draw(st.integers(1, 10**6)), translation_version=draw(st.integers(1, 10**4)),
        units=units,
    )


@settings(deadline=None, max_examples=60)
@given(documents())
def test_any_document_survives_both_formats(doc):
    for export, filename in FORMATS:
        assert parse(export(doc), filename) == doc


BROKEN = [
    (b"", "a.xlf"),
    (b"", "a.po"),
    (b"", "a.txt"),
    (b"\x00\xff\xfe garbage", "a.bin"),
    (b"\xff\xfe\x00<\x00x", "a.xlf"),
    (b"<xliff", "a.xlf"),
    (b"<html><body><p>not xliff</p></body></html>", "a.html"),
    (b"<?xml version='1.0'?><xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0'>"
     b"<file id='f'/></xliff>", "a.xlf"),
    (b"<?xml version='1.0'?><xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>"
     b"<file original='article-1' source-language='sq' datatype='plaintext'><body/></file></xliff>",
     "a.xlf"),
    (b'msgid "a"\nmsgstr', "a.po"),
    (b'msgid ""\nmsgstr "Language: mk\\n"\n\nmsgctxt "b1"\nmsgid "x"\nmsgstr "y"\n', "a.po"),
    (b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "\xff"\nmsgstr ""\n',
     "a.po"),
    (b"just some notes from the translator", "notes.txt"),
]


@pytest.mark.parametrize(("data", "filename"), BROKEN)
def test_broken_files_give_exchange_errors(data, filename):
    with pytest.raises(ExchangeError) as error:
        parse(data, filename)
    assert str(error.value.message)


def test_missing_metadata_is_named():
    data = export_po(document()).replace(b"X-BV-Source-Revision: 34", b"X-BV-Source-Revision: ?")
    with pytest.raises(ExchangeError) as error:
        parse(data, "a.po")
    assert error.value.details == {"field": "X-BV-Source-Revision"}
    assert "X-BV-Source-Revision" in str(error.value.message)
    data = export_xliff(document()).replace(b'original="article-12"', b'original="NoName"')
    with pytest.raises(ExchangeError):
        parse(data, "a.xlf")


def test_duplicate_keys_are_refused():
    doc = document()
    doc.units.append(replace(doc.units[0], target="Друг наслов"))
    for export, filename in FORMATS:
        with pytest.raises(ExchangeError) as error:
            parse(export(doc), filename)
        assert error.value.details == {"key": "headline"}


def test_external_entities_are_not_read():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        b'<file original="article-1" source-language="sq" target-language="mk" datatype="plaintext">'
        b'<header><note from="bv:source-revision">1</note><note from="bv:translation-version">1'
        b'</note></header><body><trans-unit id="b1"><source>a</source><target>&e;</target>'
        b"</trans-unit></body></file></xliff>"
    )
    try:
        doc = parse(data, "a.xlf")
    except ExchangeError:
        return
    assert "root:" not in doc.units[0].target


@given(st.binary(max_size=300), st.sampled_from(["a.xlf", "a.po", "a.xliff", "a", "a.pot"]))
@settings(deadline=None, max_examples=80)
def test_random_bytes_never_escape_as_other_exceptions(data, filename):
    try:
        parse(data, filename)
    except ExchangeError:
        pass


def current(**overrides) -> dict:
    doc = document()
    state = {
        "article_id": 12, "source_locale": "sq", "target_locale": "mk",
        "current_source_revision": 34, "current_translation_version": 5,
        "current_keys": {u.key for u in doc.units},
        "current_sources": {u.key: u.source for u in doc.units},
    }
    state.update(overrides)
    return state


def test_a_fresh_file_has_no_mismatches():
    assert compare(document(), **current()) == []
    # whitespace a CAT tool may normalize in the source is not a change
    doc = document()
    doc.units[1].source = doc.units[1].source.replace(" ", "  ")
    assert compare(doc, **current()) == []


@pytest.mark.parametrize(("overrides", "code", "blocking", "details"), [
    ({"article_id": 13}, "article", True, {"file": 12, "current": 13}),
    ({"target_locale": "en"}, "languages", True, {"file": ["sq", "mk"], "current": ["sq", "en"]}),
    ({"current_translation_version": 6}, "translation_version", True, {"file": 5, "current": 6}),
    ({"current_source_revision": 40}, "source_revision", False, {"file": 34, "current": 40}),
    ({"current_keys": {"headline", "lede", "b1", "b2"}}, "unknown_keys", False,
     {"keys": ["caption"]}),
    ({"current_keys": {"headline", "lede", "b1", "b2", "caption", "b7", "alt"}}, "missing_keys",
     False, {"keys": ["b7", "alt"]}),
])
def test_compare_reports_each_kind(overrides, code, blocking, details):
    (mismatch,) = compare(document(), **current(**overrides))
    assert (mismatch.code, mismatch.blocking, mismatch.details) == (code, blocking, details)
    assert str(mismatch.message)


def test_compare_reports_segments_whose_source_changed():
    sources = current()["current_sources"] | {"lede": "Deputetët votuan pas një debati të shkurtër."}
    (mismatch,) = compare(document(), **current(current_sources=sources))
    assert (mismatch.code, mismatch.blocking) == ("source_changed", False)
    assert mismatch.details["keys"] == ["lede"]
    assert mismatch.details["changes"]["lede"]["current"].endswith("të shkurtër.")


def test_compare_reports_every_mismatch_at_once_blocking_first():
    mismatches = compare(document(), **current(
        article_id=99, source_locale="en", current_source_revision=35,
        current_translation_version=7, current_keys={"headline", "b1", "b9"},
        current_sources={"headline": "Titull tjetër", "b1": document().units[2].source},
    ))
    assert [m.code for m in mismatches] == [
        "article", "languages", "translation_version", "source_revision", "unknown_keys",
        "missing_keys", "source_changed",
    ]
    assert [m.blocking for m in mismatches] == [True, True, True, False, False, False, False]
    assert mismatches[4].details == {"keys": ["lede", "b2", "caption"]}
    assert mismatches[5].details == {"keys": ["b9"]}


def test_po_numbered_tags_and_lookalikes_survive():
    doc = document()
    doc.units[1] = ExchangeUnit(
        "lede", "Shih <1> dhe {7} te [faqja](https://a.example/x) me `kod`.",
        "Види <1> и {7} на [страницата](https://a.example/x) со `kod`.", "translated")
    data = export_po(doc)
    lede = next(u for u in pypo.pofile(data).units if u.getcontext() == "lede")
    # a pair is <n>…</n>, a single code <n/>; literal text that looks like a tag is a tag
    assert lede.source == "Shih <5/> dhe <1/> te <2>faqja</2> me <4/>."
    assert lede.target == "Види <5/> и <1/> на <2>страницата</2> со <4/>."
    assert parse(data, "a.po") == doc
    broken = data.replace("<2>страницата</2>".encode(), "<2>страницата".encode())
    with pytest.raises(ExchangeError) as error:
        parse(broken, "a.po")
    assert error.value.details["key"] == "lede"


def test_markup_the_translator_changed_stays_text():
    doc = document()
    # the target links elsewhere and drops the bold: no source tag fits, the Markdown is text
    doc.units[2] = ExchangeUnit(
        "b1", "Sipas [Ministrisë](https://a.example/sq), **3,5%**.",
        "Според [Министерството](https://a.example/mk), 3,5%.", "translated")
    for export, filename in FORMATS:
        assert parse(export(doc), filename) == doc
    unit = etree.fromstring(export_xliff(doc)).find(
        ".//{urn:oasis:names:tc:xliff:document:1.2}trans-unit[@resname='b1']")
    target = unit.find("{urn:oasis:names:tc:xliff:document:1.2}target")
    assert len(target) == 0 and target.text == doc.units[2].target


markdownish = st.lists(st.sampled_from([
    "[lidhja](https://a.example/x?a=1&b=2)", "[tjetër][ref]", "**fort**", "*pjerrët*", "_dhe_",
    "`kod`", "<https://b.example>", "<b>", "<1>", "</2>", "<3/>", "{4}", "\\*", "fjalë", " ",
    "ë", "\\\n", "<x id=\"1\"/>",
]), min_size=1, max_size=8).map("".join).filter(lambda s: s.strip() == s and s)


@settings(deadline=None, max_examples=80)
@given(markdownish, markdownish, st.sampled_from(["translated", "needs-review", "outdated"]))
def test_markdown_survives_both_formats(source, target, state):
    doc = document()
    doc.units = [ExchangeUnit("b1", source, target, state,
                              previous_source=source + " x" if state == "outdated" else None)]
    for export, filename in FORMATS:
        assert parse(export(doc), filename) == doc
