"""Inline Markdown and glossary terms are protected, restored, and checked."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bv.translation.mt import GlossaryRule, PlaceholderError, Protector, translate_segments
from tests.translation.fake_providers import point_at

GLOSSARY = [
    GlossaryRule("Kuvendi", "Собранието"),
    GlossaryRule("MEK", None, do_not_translate=True),
    GlossaryRule("e-Albania", None, do_not_translate=True),
]


@pytest.mark.parametrize("markup", ["text", "html"])
def test_placeholders_restore_exactly(markup):
    text = ("Sipas [MEK](https://erc.org.mk/a_(b)) dhe **Kuvendit**, `kodi {3}` < 5 & "
            "*shumë* _mirë_ në https://bv.mk/x.\nRreshti i dytë \\* yll.")
    protected = Protector().protect(text)
    assert protected.restore(protected.render(markup), markup) == text


@given(st.text(alphabet=st.sampled_from(list("ab *_`[]()<>{}#\\\n!é12ж&;")), max_size=60))
@example("[ ]()")  # a link around a lone space once lost the space
def test_untouched_answers_always_restore_to_the_source(text):
    protected = Protector(GLOSSARY).protect(text)
    for markup in ("text", "html"):
        assert protected.restore(protected.render(markup), markup) == (
            protected.restore_unchanged().strip())


def test_engines_spacing_and_tag_spelling_are_tolerated():
    protected = Protector().protect("Një **fjalë** e [lidhje](https://x.mk).")
    assert protected.render("text") == "Një {1}fjalë{2} e {3}lidhje{4}."
    assert protected.restore("One { 1 } word {2} and {3} link {4}.", "text") == (
        "One **word** and [link](https://x.mk).")
    assert protected.render("html") == 'Një <x id="1"/>fjalë<x id="2"/> e <x id="3"/>lidhje<x id="4"/>.'
    answer = 'One <x id="1"></x>word<x id=2 /> &amp; <X id="3"/>link<x id="4">.</x>'
    assert protected.restore(answer, "html") == "One **word** & [link](https://x.mk)."


@pytest.mark.parametrize(
    "answer, problem",
    [
        ("One {1}word and {3}link{4}.", "missing [2]"),
        ("One {1}word{2}{2} and {3}link{4}.", "duplicated [2]"),
        ("One {1}word{2} and {3}link{4}{9}.", "unexpected [9]"),
        ("One {2}word{1} and {3}link{4}.", "closed before opened [1]"),
    ],
)
def test_broken_placeholders_raise(answer, problem):
    protected = Protector().protect("Një **fjalë** e [lidhje](https://x.mk).")
    with pytest.raises(PlaceholderError) as broken:
        protected.restore(answer, "text")
    assert problem in broken.value.detail
    assert broken.value.code == "placeholder"


def test_glossary_terms_are_enforced(fake):
    segments = ["Kuvendi miratoi ligjin.", "Sipas MEK, shërbimi e-Albania funksionon.",
                "kuvendi", "MEK"]
    results = translate_segments(segments, "sq", "mk", glossary=GLOSSARY,
                                 config=point_at(fake))
    assert [r.text for r in results] == [
        "Собранието mk_miratoi mk_ligjin.",
        "mk_Sipas MEK, mk_shërbimi e-Albania mk_funksionon.",
        "Собранието",  # the required translation, as written in the glossary
        "MEK",
    ]
    # segments made only of glossary terms need no request
    assert [r.provider for r in results] == ["libretranslate", "libretranslate", None, None]
    assert fake.request_count == 1
    assert "Kuvendi" not in fake.texts_sent()[0]


def test_glossary_capitalises_at_sentence_start_and_matches_whole_words():
    protected = Protector([GlossaryRule("buxheti", "бюџетот")]).protect(
        "Buxheti dhe buxhetimi; buxheti.")
    assert protected.restore_unchanged() == "Бюџетот dhe buxhetimi; бюџетот."


def test_dropped_placeholder_is_an_error_for_that_segment_only(fake):
    fake.placeholders = "drop"
    results = translate_segments(["Lexo **raportin** sot.", "Pa shenja."], "sq", "mk",
                                 config=point_at(fake))
    assert results[0].text is None
    assert isinstance(results[0].error, PlaceholderError)
    assert results[0].provider == "libretranslate"
    assert (results[1].text, results[1].error) == ("mk_Pa mk_shenja.", None)


def test_duplicated_placeholder_is_caught(fake):
    fake.placeholders = "duplicate"
    [result] = translate_segments(["Lexo [këtu](https://bv.mk)."], "sq", "mk",
                                  config=point_at(fake))
    assert result.text is None and "duplicated" in result.error.detail


def test_placeholder_error_tries_the_next_provider(fake, other_fake):
    fake.placeholders = "drop"
    config = point_at(fake, MT_PROVIDERS="libretranslate,deepl", DEEPL_SERVER_URL=other_fake.url)
    [result] = translate_segments(["Lexo **raportin** sot."], "sq", "mk", config=config)
    assert (result.text, result.provider) == ("mk_Lexo **mk_raportin** mk_sot.", "deepl")


def test_text_that_looks_like_a_placeholder_is_protected_too(fake):
    [result] = translate_segments(["Shih {2} dhe {1}."], "sq", "en",
                                  config=point_at(fake, MT_PROVIDERS="google"))
    assert result.text == "en_Shih {2} en_dhe {1}."
