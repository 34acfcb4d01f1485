"""Glossary terms with inflected forms: the draft picks the form, the check takes only real forms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bv.extensions import db
from bv.translation.checks import GlossaryRule, run_checks
from bv.translation.glossary import (
    GlossaryRejected,
    format_forms,
    parse_forms,
    save_term,
    terms_for,
)
from bv.translation.models import GlossaryTerm
from bv.translation.mt import Protector
from bv.translation.quality import glossary_forms
from tests.translation.stories import editor, login

# mk → sq: Albanian declines the name, Macedonian does not, so the source form cannot say the
# case; the forms are accepted target forms
TETOVO_SQ = GlossaryRule("Тетово", "Tetovë", forms=(("", "Tetova"), ("", "Tetovës"),
                                                      ("", "Tetovën")))
# sq → mk: each Albanian case form maps to the one Macedonian form
TETOVE_MK = GlossaryRule("Tetovë", "Тетово", forms=(("Tetova", "Тетово"), ("Tetovës", "Тетово"),
                                                      ("Tetovën", "Тетово")))
# sq → mk: a common noun whose definite forms differ in both languages
KOMUNA_MK = GlossaryRule("komunë", "општина", forms=(("komuna", "општината"),
                                                      ("komunës", "општината"),
                                                      ("komunat", "општините")))
OPSTINA_SQ = GlossaryRule("општина", "komunë", forms=(("општината", "komuna"), ("", "komunës"),
                                                       ("општините", "komunat")))


def problems(source, target, source_locale, target_locale, rules):
    return [(p.code, p.details.get("term")) for p in run_checks(
        source, target, source_locale=source_locale, target_locale=target_locale, glossary=rules)]


# the model: "source form → target form" lines, or a lone target form


def test_forms_are_read_line_by_line_and_written_back_the_same_way():
    pairs = parse_forms("Tetova → Тетово\n\n  Tetovës -> Тетово \nTetovën => Тетово\nТетово\n")
    assert pairs == (("Tetova", "Тетово"), ("Tetovës", "Тетово"), ("Tetovën", "Тетово"),
                     ("", "Тетово"))
    assert parse_forms(format_forms(pairs)) == pairs
    assert parse_forms("") == ()


@pytest.mark.parametrize("text", [
    "→ Тетово",  # no source form before the arrow
    "Tetova →",  # nothing after it
    "Tetova → Тетово → Tetovo",  # two arrows
    "Tetova → Тетово\nTetova → Тетовски",  # one source form, two target forms
    "Tetova → " + "Т" * 121,  # longer than a term may be
    "\n".join(f"f{i}" for i in range(41)),  # more lines than a noun has forms
])
def test_unreadable_forms_are_refused_with_a_reason(text):
    with pytest.raises(GlossaryRejected) as refused:
        parse_forms(text)
    assert refused.value.field == "forms"
    assert str(refused.value.message)


def test_a_listed_source_form_is_drafted_as_its_target_form():
    protector = Protector([KOMUNA_MK], locale="sq")
    text = "Kryetari i komunës takoi banorët, ndërsa komunat fqinje heshtën."
    restored = protector.protect(text).restore_unchanged()
    assert "општината" in restored and "општините" in restored
    assert glossary_forms(text, "sq", [KOMUNA_MK]) == []


def test_an_unlisted_form_gets_the_base_form_and_a_flag():
    text = "Banorët u ankuan te komunën për ujin."  # accusative, not listed
    restored = Protector([KOMUNA_MK], locale="sq").protect(text).restore_unchanged()
    assert "општина" in restored and "општината" not in restored
    assert glossary_forms(text, "sq", [KOMUNA_MK]) == [
        {"term": "komunë", "found": "komunën", "used": "општина"}]


def test_a_form_that_depends_on_the_target_sentence_is_flagged_even_for_the_base_term():
    text = "Во Тетово почнаа поправките на цевководот."
    restored = Protector([TETOVO_SQ], locale="mk").protect(text).restore_unchanged()
    assert "Tetovë" in restored
    assert [f["found"] for f in glossary_forms(text, "mk", [TETOVO_SQ])] == ["Тетово"]
    # a term without forms, found as written, is what it says: nothing to check
    assert glossary_forms(text, "mk", [GlossaryRule("Тетово", "Tetovë")]) == []


# the check: near misses do not count, words that only share a stem are not the term


def test_a_near_miss_does_not_satisfy_the_term():
    source = "Во Тетово почнаа поправките на цевководот."
    # "Tetovo" is the Macedonian form written in Latin letters, not an Albanian form
    assert problems(source, "Në Tetovo filluan riparimet e tubacionit.", "mk", "sq",
                    [TETOVO_SQ]) == [("glossary", "Тетово")]
    assert problems(source, "Në Tetovo filluan riparimet e tubacionit.", "mk", "sq",
                    [GlossaryRule("Тетово", "Tetovë")]) == [("glossary", "Тетово")]
    for good in ("Në Tetovë filluan riparimet e tubacionit.",
                 "Riparimet e tubacionit të Tetovës filluan.",
                 "Tetova filloi riparimet e tubacionit."):
        assert problems(source, good, "mk", "sq", [TETOVO_SQ]) == [], good


def test_with_listed_forms_only_those_count():
    source = "Кметот на општината ги прими граѓаните."
    # "komunave" (plural dative) is a real form, but not one this term lists
    assert problems(source, "Kryetari i komunave i priti qytetarët.", "mk", "sq",
                    [OPSTINA_SQ]) == [("glossary", "општина")]
    assert problems(source, "Kryetari i komunës i priti qytetarët.", "mk", "sq",
                    [OPSTINA_SQ]) == []
    # nor the accusative, until someone lists it
    assert problems(source, "Qytetarët e takuan kryetarin në komunën e tyre.", "mk", "sq",
                    [OPSTINA_SQ]) == [("glossary", "општина")]


def test_an_adjective_sharing_the_stem_is_not_the_term():
    # "општинската" (municipal) is an adjective: the sentence has no municipality to translate
    source = "Општинската комисија за урбанизам заседаваше до доцна."
    target = "Komisioni komunal për urbanizëm mbajti mbledhje deri vonë."
    assert problems(source, target, "mk", "sq", [OPSTINA_SQ]) == []
    assert problems(source, target, "mk", "sq", [GlossaryRule("општина", "komunë")]) == []
    # while the noun in a case form is the term
    assert problems("Седницата на општината заврши доцна.", "Seanca përfundoi vonë.", "mk", "sq",
                    [GlossaryRule("општина", "komunë")]) == [("glossary", "општина")]


def test_the_definite_form_of_a_term_without_forms_still_passes():
    assert problems("Kuvendi i komunës miratoi buxhetin.",
                    "Советот на општината го усвои буџетот.", "sq", "mk",
                    [GlossaryRule("komunë", "општина")]) == []


# the newsroom glossary page


def test_forms_are_saved_and_checked_in_the_newsroom(app, staff, client):
    login(client, staff["editor"])
    url = "/newsroom/glossary?source=sq&target=mk"
    bad = client.post(url, data={"term": "komunë", "translation": "општина",
                                 "forms": "komuna → општината\n→ општините"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Rreshti 2" in html and "komuna → општината" in html  # the reason, and nothing lost
    with app.app_context():
        assert db.session.scalar(select(GlossaryTerm)) is None
    ok = client.post(url, data={"term": "komunë", "translation": "општина",
                                "forms": "komuna -> општината\nkomunës → општината"})
    assert ok.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(GlossaryTerm))
        assert row.forms == "komuna → општината\nkomunës → општината"
        [rule] = terms_for("sq", "mk")
        assert rule.forms == (("komuna", "општината"), ("komunës", "општината"))
        term_id = row.id
    page = client.get(f"{url}&edit={term_id}").get_data(as_text=True)
    assert "komunës → општината</textarea>" in page


def test_forms_errors_are_in_the_persons_language(app, staff, client):
    login(client, staff["editor"])
    with app.app_context():
        from bv.accounts.models import User

        db.session.scalar(select(User).where(User.role == "editor")).ui_locale = "mk"
        db.session.commit()
    response = client.post("/newsroom/glossary?source=sq&target=mk",
                           data={"term": "komunë", "translation": "општина", "forms": "→ x"})
    assert response.status_code == 422
    assert "Ред 1" in response.get_data(as_text=True)


def test_a_term_kept_as_it_is_has_no_forms(app, staff):
    with app.app_context():
        with pytest.raises(GlossaryRejected) as refused:
            save_term("sq", "mk", "MEK", None, True, user=editor(), forms="MEK-ut → МЕК")
        assert refused.value.field == "forms"
        assert db.session.scalar(select(GlossaryTerm)) is None
