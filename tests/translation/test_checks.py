"""Quality checks on translated segments, with newsroom sentences in sq, mk and en."""

from __future__ import annotations

import pytest

from bv.translation.checks import GlossaryRule, run_checks

GLOSSARY = [
    GlossaryRule("Kuvendi", "Собрание"),
    GlossaryRule("MEK", do_not_translate=True),
    GlossaryRule("e-Albania", do_not_translate=True),
]


def codes(source, target, source_locale, target_locale, glossary=()):
    problems = run_checks(source, target, source_locale=source_locale,
                          target_locale=target_locale, glossary=glossary)
    return [p.code for p in problems]


def check(source, target, source_locale, target_locale, glossary=()):
    return run_checks(source, target, source_locale=source_locale,
                      target_locale=target_locale, glossary=glossary)


FINE = [
    # each language's own number formats
    ("Ndihma u nda për 1.200 familje, 3,5 për qind më shumë se në vitin 2023.",
     "Aid went to 1,200 families, 3.5 percent more than in 2023.", "sq", "en"),
    ("Помошта стигна до 1.200 семејства, 3,5% повеќе од 2023 година.",
     "Ndihma arriti te 1.200 familje, 3,5% më shumë se në vitin 2023.", "mk", "sq"),
    ("The budget is €1.2 million.", "Buxheti është 1,2 milionë euro.", "en", "sq"),
    ("The budget is €1.2 million.", "Буџетот е 1.200.000 евра.", "en", "mk"),
    ("Two people were injured.", "Dy persona u plagosën.", "en", "sq"),
    ("2 people were injured.", "Две лица се повредени.", "en", "mk"),
    # dates in words, in figures, and times
    ("On March 5, 2024, at 9:30.", "На 5 март 2024 година, во 9.30 часот.", "en", "mk"),
    ("Më 14 mars 2024 u mbajt seanca.", "The session was held on 14 March 2024.", "sq", "en"),
    ("Seanca u mbajt më 14.3.2024.", "The session was held on 14 March 2024.", "sq", "en"),
    ("The report came out on 3/14/2024.", "Извештајот излезе на 14.03.2024.", "en", "mk"),
    ("Март беше најтоплиот месец.", "March was the warmest month.", "mk", "en"),
    ("Притисокот ќе биде послаб од 23 до 5 часот.",
     "Presioni do të jetë më i ulët nga ora 23:00 deri në 05:00.", "mk", "sq"),
    ("Marsi është planet.", "Mars is a planet.", "sq", "en"),
    ("Theresa May e vizitoi Shkupin në maj.", "Theresa May visited Skopje in May.", "sq", "en"),
    ("Jan Novak arrived.", "Jan Novak mbërriti.", "en", "sq"),
    # glossary, inflected
    ("Kuvendi miratoi ligjin.", "Собранието го донесе законот.", "sq", "mk"),
    ("Deputetët e Kuvendit votuan.", "Пратениците на Собранието гласаа.", "sq", "mk"),
    ("Lideri i MEK-ut foli për e-Albania.", "Лидерот на MEK зборуваше за e-Albania.", "sq", "mk"),
    ("Лидерот на МЕК изјави.", "Liderja e MEK-ut deklaroi.", "mk", "sq"),
    # names and acronyms may stay identical; links and emphasis carried over
    ("Albin Kurti", "Albin Kurti", "sq", "en"),
    ("BDI – VMRO-DPMNE", "BDI – VMRO-DPMNE", "sq", "en"),
    ("Lexoni [raportin](https://bv.mk/r/2024-12) e **plotë**.",
     "Прочитајте го **целиот** [извештај](https://bv.mk/r/2024-12).", "sq", "mk"),
    ("Hello {{name}}, you have %(count)s messages.",
     "Здраво {{name}}, имате %(count)s пораки.", "en", "mk"),
    ("Шеф на УНМИК е странец.", "The head of UNMIK is a foreigner.", "mk", "en"),
    ("Пишете на info@bv.mk или https://bv.mk/kontakt.", "Shkruani në info@bv.mk.", "mk", "sq"),
    ("", "", "sq", "mk"),
]


@pytest.mark.parametrize(("source", "target", "source_locale", "target_locale"), FINE)
def test_correct_translations_pass(source, target, source_locale, target_locale):
    problems = check(source, target, source_locale, target_locale, GLOSSARY)
    assert problems == [], [(p.code, str(p.message)) for p in problems]


def test_empty_translation_blocks():
    (problem,) = check("Kuvendi miratoi ligjin.", "  ", "sq", "mk")
    assert (problem.code, problem.blocking) == ("empty", True)
    assert str(problem.message) == "The translation is empty."


@pytest.mark.parametrize(("source", "target", "source_locale", "target_locale", "numbers"), [
    ("Ndihma u nda për 1.200 familje.", "Aid went to 1,300 families.", "sq", "en",
     {"source": ["1.200"], "target": ["1,300"]}),
    ("Rritja ishte 3,5 për qind.", "Growth was 3,500 percent.", "sq", "en",
     {"source": ["3,5"], "target": ["3,500"]}),
    ("Ligji u miratua në vitin 2023.", "The law passed in 2024.", "sq", "en",
     {"source": ["2023"], "target": ["2024"]}),
    # a figure inside a link's URL does not count; the one in the text does
    ("Shih [raportin 2024](https://bv.mk/r/2024).", "Види го [извештајот](https://bv.mk/r/2024).",
     "sq", "mk", {"source": ["2024"], "target": []}),
    ("The budget is €1.2 million.", "Buxheti është 12 milionë euro.", "en", "sq",
     {"source": ["1.2 million"], "target": ["12 milionë"]}),
])
def test_numbers_that_differ_block(source, target, source_locale, target_locale, numbers):
    (problem,) = check(source, target, source_locale, target_locale)
    assert (problem.code, problem.blocking, problem.details) == ("numbers", True, numbers)


def test_dates_with_another_month_or_day_block():
    (problem,) = check("Më 14 mars 2024 Kuvendi miratoi ligjin.",
                       "На 14 април 2024 Собранието го донесе законот.", "sq", "mk", GLOSSARY)
    assert (problem.code, problem.blocking) == ("dates", True)
    assert problem.details == {"source": ["14 mars"], "target": ["14 април"]}
    assert codes("On 5 May.", "Më 6 maj.", "en", "sq") == ["dates"]
    assert codes("Протестот беше во март.", "The protest was in April.", "mk", "en") == ["dates"]


def test_glossary_violations_block():
    problems = check("Kuvendi miratoi ligjin.", "Парламентот го донесе законот.", "sq", "mk",
                     GLOSSARY)
    assert [(p.code, p.blocking, p.details) for p in problems] == [
        ("glossary", True, {"term": "Kuvendi", "translation": "Собрание"}),
    ]
    assert str(problems[0].message) == "“Kuvendi” should be translated as “Собрание”."
    problems = check("Aplikoni përmes e-Albania.", "Аплицирајте преку е-Албанија.", "sq", "mk",
                     GLOSSARY)
    assert [(p.code, p.details) for p in problems] == [("glossary", {"term": "e-Albania"})]
    # altered case is altered too
    assert codes("Lideri i MEK-ut.", "The Mek leader.", "sq", "en", GLOSSARY) == ["glossary"]


def test_latin_words_in_macedonian_block():
    (problem,) = check("Komuna e Tetovës njoftoi.", "Општина Tetovo соопшти.", "sq", "mk")
    assert (problem.code, problem.blocking, problem.details) == ("script", True, {"words": ["Tetovo"]})


def test_cyrillic_in_latin_languages_and_look_alike_letters_block():
    assert codes("Sot në Shkup.", "Today in Скопје.", "sq", "en") == ["script"]
    # a Latin "o" typed inside a Cyrillic word
    (problem,) = check("Sot në Shkup.", "Денес во Скoпје.", "sq", "mk")
    assert problem.details == {"words": ["Скoпје"]}


def test_script_allows_glossary_terms_acronyms_brands_urls_and_code():
    target = "Преку e-Albania, MEK и NATO, види https://e-albania.al и `pip install`."
    assert codes("Përmes e-Albania, MEK dhe NATO, shih https://e-albania.al dhe `pip install`.",
                 target, "sq", "mk", GLOSSARY) == []
    assert codes("Ata folën për BalkanView dhe YouTube.",
                 "Тие разговараа со BalkanView и YouTube.", "sq", "mk") == []
    # a name copied in Latin letters is still wrong in Macedonian
    assert codes("Fermeri Besnik Idrizi.", "Земјоделецот Besnik Idrizi.", "sq", "mk") == ["script"]


def test_identical_ordinary_sentence_warns():
    (problem,) = check("Qeveria miratoi buxhetin.", "Qeveria miratoi buxhetin.", "sq", "en")
    assert (problem.code, problem.blocking) == ("identical", False)
    # "dhe" is an ordinary word, so this is an untranslated copy, not just names
    assert codes("BDI dhe VMRO-DPMNE", "BDI dhe VMRO-DPMNE", "sq", "en") == ["identical"]


def test_links_lost_or_changed_block():
    source = "Lexoni [raportin](https://bv.mk/r/2024-12) e plotë."
    (problem,) = check(source, "Прочитајте го целиот извештај.", "sq", "mk")
    assert (problem.code, problem.blocking) == ("links", True)
    assert problem.details == {"missing": ["https://bv.mk/r/2024-12"], "extra": []}
    (problem,) = check(source, "Прочитајте го [извештајот](https://bv.mk/r/2024-13).", "sq", "mk")
    assert problem.details == {"missing": ["https://bv.mk/r/2024-12"],
                               "extra": ["https://bv.mk/r/2024-13"]}


def test_lost_emphasis_only_warns():
    (problem,) = check("Një **rritje** e *madhe*.", "A big increase.", "sq", "en")
    assert (problem.code, problem.blocking) == ("emphasis", False)
    assert problem.details == {"source": {"strong": 1, "em": 1}, "target": {}}
    # an unclosed marker is lost emphasis too
    assert codes("Një **rritje**.", "An **increase.", "sq", "en") == ["emphasis"]


def test_lost_placeholders_block():
    (problem,) = check("Hello {{name}}, %(count)s new.", "Здраво {{ime}}, нови.", "en", "mk")
    assert (problem.code, problem.blocking) == ("placeholders", True)
    assert problem.details == {"missing": ["%(count)s", "{{name}}"], "extra": ["{{ime}}"]}
    assert codes("Kuvendi.", 'Собранието <x id="1"/>.', "sq", "mk") == ["placeholders"]


def test_blocking_problems_come_first():
    problems = check("Më 2024 **Kuvendi** votoi.", "Во 2025 Parlamentot гласаше.", "sq", "mk",
                     GLOSSARY)
    assert [p.code for p in problems] == ["numbers", "glossary", "script", "emphasis"]
    assert [p.blocking for p in problems] == [True, True, True, False]


def test_glossary_stem_tolerates_inflection_but_not_lookalike_words():
    from bv.translation.checks import term_pattern

    assert term_pattern("Tetovë", "sq").search("banorët e Tetovës")
    assert term_pattern("Тетово", "mk").search("жителите на Тетово")
    # an adjective made from the name is another word: it needs no glossary translation
    assert not term_pattern("Тетово", "mk").search("во тетовските села")
    assert not term_pattern("Tetovë", "sq").search("deri në tetor")
    assert not term_pattern("Shkup", "sq").search("hartë të shkarkuar")
