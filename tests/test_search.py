"""Reader search: across scripts, diacritics and inflection; ranked, paginated, escaped; the
index follows publish, unpublish and live edits in their own transaction."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, func, select, text

from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article, ArticleTranslation
from bv.demo import generated
from bv.extensions import db
from bv.search import service as search_service
from bv.search.folding import fold_word, parse_query, stem
from bv.search.highlight import highlight, snippet
from bv.search.indexer import index_translation, reindex_all
from tests.conftest import fresh_app

# Original text written for these tests; dates decide ties inside a ranking tier.
STORIES = {
    "sq-festival": ("sq", datetime(2026, 11, 1, 9, tzinfo=UTC), {
        "headline": "Tetova pret festivalin e parë të filmit",
        "lede": "Qyteti hap dyert për kineastët nga e gjithë Shqipëria.",
        "body": "Festivali zgjat një javë. Organizatorët thonë se çështja e sallave është "
                "zgjidhur.\n\nShfaqjet mbahen pranë xhamisë së Pashës.",
    }),
    "sq-water": ("sq", datetime(2026, 11, 20, 9, tzinfo=UTC), {
        "headline": "Ujësjellësi i ri në Gostivar",
        "lede": "Punimet për ujin e pijshëm përfundojnë në pranverë.",
        "body": "Komuna njofton se tubacionet e reja janë vendosur.\n\n"
                "Banorët e Tetovës presin të njëjtën gjë.",
    }),
    "sq-schools": ("sq", datetime(2026, 10, 1, 9, tzinfo=UTC), {
        "headline": "Shkollat e mesme marrin kompjuterë",
        "lede": "Nxënësit në Tetovë dhe Kërçovë do të mësojnë programim.",
        "body": "Ministria pagoi pajisjet nga buxheti i vitit.",
    }),
    "sq-basket": ("sq", datetime(2026, 11, 10, 9, tzinfo=UTC), {
        "headline": "Tetova fiton kampionatin e basketbollit",
        "lede": "Ekipi festoi në sheshin qendror.",
        "body": "Tifozët këndonin deri vonë.",
    }),
    "mk-water": ("mk", datetime(2026, 11, 5, 9, tzinfo=UTC), {
        "headline": "Нов водовод за Ѓорче Петров",
        "lede": "Водоводот ќе биде готов до пролет, велат од општината.",
        "body": "Градежните работи почнаа покрај старата џамијата.\n\n"
                "„Мојата ќерка конечно ќе има чиста вода“, вели една мајка.",
    }),
    "mk-park": ("mk", datetime(2026, 11, 6, 9, tzinfo=UTC), {
        "headline": "Тетово добива нов парк",
        "lede": "Паркот во центарот ќе има игралиште за деца.",
        "body": "Општината ги објави плановите.",
    }),
    "en-festival": ("en", datetime(2026, 11, 2, 9, tzinfo=UTC), {
        "headline": "Tetovo hosts its first film festival",
        "lede": "Filmmakers from across the region arrive this week.",
        "body": "Screenings run for seven days beside the Painted Mosque.\n\n"
                "Watermelon sellers line the streets.",
    }),
    "en-metro": ("en", datetime(2026, 11, 3, 9, tzinfo=UTC), {
        "headline": "Skopje metro plan shelved",
        "lede": "The capital's council voted against the project.",
        "body": "Critics called it too expensive.",
    }),
}
DRAFT = ("sq", {"headline": "Sekreti i kuzhinës", "lede": "Receta e gjyshes.",
                "body": "Askush nuk e di recetën."})

# (locale, query, the stories it must find, in rank order where the order is asserted)
MUST_MATCH = [
    ("sq", "shqiperi", ["sq-festival"]),
    ("sq", "SHQIPËRI", ["sq-festival"]),
    ("sq", "cesht", ["sq-festival"]),
    ("sq", "çështje", ["sq-festival"]),
    ("sq", "tetoves", ["sq-basket", "sq-festival", "sq-schools", "sq-water"]),
    ("sq", "tetova", ["sq-basket", "sq-festival", "sq-schools", "sq-water"]),
    ("sq", "Tetovë", ["sq-basket", "sq-festival", "sq-schools", "sq-water"]),
    ("sq", "Тетово", ["sq-basket", "sq-festival", "sq-schools", "sq-water"]),
    ("sq", "xhamia", ["sq-festival"]),
    ("sq", "kercove", ["sq-schools"]),
    ("sq", "ujesjelles", ["sq-water"]),
    ("mk", "tetovo", ["mk-park"]),
    ("mk", "Тетово", ["mk-park"]),
    ("mk", "тетово", ["mk-park"]),
    ("mk", "водоводот", ["mk-water"]),
    ("mk", "ВОДОВОДОТ", ["mk-water"]),
    ("mk", "vodovod", ["mk-water"]),
    ("mk", "gjorce petrov", ["mk-water"]),
    ("mk", "gjorche petrov", ["mk-water"]),
    ("mk", "gorce", ["mk-water"]),
    ("mk", "Ѓорче", ["mk-water"]),
    ("mk", "kjerka", ["mk-water"]),
    ("mk", "kerka", ["mk-water"]),
    ("mk", "dzhamija", ["mk-water"]),
    ("mk", "dzamija", ["mk-water"]),
    ("mk", "џамија", ["mk-water"]),
    ("mk", "igraliste", ["mk-park"]),
    ("en", "Тетово", ["en-festival"]),
    ("en", "tetovo", ["en-festival"]),
    ("en", "film festival", ["en-festival"]),
    ("en", "watermelon", ["en-festival"]),
    ("en", '"tetovo"', ["en-festival"]),
    ("en", "tetovo*", ["en-festival"]),
    ("en", "(tetovo)", ["en-festival"]),
    ("en", "tetovo:", ["en-festival"]),
    ("en", "metro", ["en-metro"]),
]

MUST_NOT_MATCH = [
    ("sq", "watermelon"),  # an English-only word
    ("mk", "shqiperi"),  # Albanian text is not searched from /mk/
    ("en", "vodovod"),
    ("sq", "gjorce"),
    ("sq", "sekreti"),  # a draft that was never published
    ("sq", "tetova struga"),  # every word must appear
    ("mk", "petrovec"),  # longer than any word in the text
    ("mk", "struga"),
    ("en", "skopje -tetovo"),  # "-" is no operator: both words must appear
    ("en", "tetovo OR metro"),  # OR is a word, not an operator
    ("en", "tetovo NEAR festival"),
    ("en", "tetovo AND x"),
    ("en", "' OR 1=1 --"),
    ("sq", "Robert'); DROP TABLE article_translation;--"),
]

BAD_INPUT = ['"', '"""', "*", ":", "(", ")", "( ) : * \"", "NEAR", "AND", "-", "NEAR(a b)",
             "tetova\"", "a" * 200, "\x01\x02\x1f", "tetova\x7f", "½", "ʼ", "😀",
             "'", "\\", "%", "_", "{headline}: tetova", "^tetova", "tetova OR",
             "SELECT * FROM user", "é", "ß"]


def publish(locale, values, at, **extra):
    """A new story in its own language, published at a given moment."""
    article = service.create_article(source_locale=locale)
    translation = service.save_translation(article, locale, values, user=SYSTEM, at=at,
                                           go_live=True, **extra)
    workflow.transition(translation, "publish", user=SYSTEM, at=at)
    return translation


def load_stories():
    """Publish every story, save the draft; return slugs by story key."""
    slugs = {}
    for key, (locale, at, values) in STORIES.items():
        slugs[key] = publish(locale, values, at).slug
    article = service.create_article(source_locale=DRAFT[0])
    service.save_translation(article, DRAFT[0], DRAFT[1], user=SYSTEM)
    db.session.commit()
    return slugs


@pytest.fixture(scope="module")
def search_app(tmp_path_factory, migrated_template):
    """The stories above, published; tests using it only read."""
    with fresh_app(tmp_path_factory.mktemp("search"), migrated_template) as application:
        with application.app_context():
            application.config["STORY_SLUGS"] = load_stories()
        yield application


@pytest.fixture
def stories(app):
    """The stories on a fresh app that a test may change."""
    with app.app_context():
        return load_stories()


def found_slugs(client, lang, query, **params):
    """The article slugs on a search page, in order."""
    response = client.get(f"/{lang}/search", query_string={"q": query, **params})
    assert response.status_code == 200, (lang, query, response.status_code)
    html = response.get_data(as_text=True)
    results = html.split('<ol class="results">', 1)
    if len(results) == 1:
        return []
    return re.findall(rf'<h2><a href="/{lang}/a/([^"]+)">', results[1])


@pytest.mark.parametrize(("lang", "query", "expected"), MUST_MATCH)
def test_queries_that_must_match(search_app, lang, query, expected):
    slugs = search_app.config["STORY_SLUGS"]
    found = found_slugs(search_app.test_client(), lang, query)
    assert found == [slugs[key] for key in expected]


@pytest.mark.parametrize(("lang", "query"), MUST_NOT_MATCH)
def test_queries_that_must_not_match(search_app, lang, query):
    assert found_slugs(search_app.test_client(), lang, query) == []


@pytest.mark.parametrize("query", BAD_INPUT)
@pytest.mark.parametrize("lang", ["sq", "mk", "en"])
def test_bad_input_gets_a_clean_answer(search_app, lang, query):
    response = search_app.test_client().get(f"/{lang}/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "\x01" not in html


def test_no_searchable_word_says_so_in_the_readers_language(search_app):
    html = search_app.test_client().get("/sq/search", query_string={"q": '"*:()'}).get_data(
        as_text=True)
    assert "Kërkoni të paktën një fjalë" in html
    html = search_app.test_client().get("/mk/search", query_string={"q": "-"}).get_data(
        as_text=True)
    assert "Пребарајте барем еден збор" in html


def test_a_thousand_character_query_is_a_clean_localized_400(search_app):
    response = search_app.test_client().get("/mk/search", query_string={"q": "tetova " * 143})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "најмногу 200 знаци" in html
    assert 'name="q"' in html


def test_nul_is_refused_before_the_search(search_app):
    assert search_app.test_client().get("/sq/search?q=tetova%00").status_code == 400


def test_results_rank_headline_then_lede_then_body_and_newer_first(search_app):
    slugs = search_app.config["STORY_SLUGS"]
    found = found_slugs(search_app.test_client(), "sq", "tetova")
    # basket (headline, Nov 10) > festival (headline, Nov 1) > schools (lede) > water (body,
    # though it is the newest)
    assert found == [slugs[k] for k in ("sq-basket", "sq-festival", "sq-schools", "sq-water")]


def test_pages_and_a_page_past_the_end(search_app):
    slugs = search_app.config["STORY_SLUGS"]
    client = search_app.test_client()
    search_app.config["PER_PAGE"] = 3
    try:
        first = client.get("/sq/search", query_string={"q": "tetova"}).get_data(as_text=True)
        assert "4 rezultate" in first and 'rel="next"' in first
        assert found_slugs(client, "sq", "tetova", page=2) == [slugs["sq-water"]]
        past = client.get("/sq/search", query_string={"q": "tetova", "page": 3})
        assert past.status_code == 200
        html = past.get_data(as_text=True)
        assert "nuk kanë faqe 3" in html and 'href="/sq/search?q=tetova"' in html
    finally:
        search_app.config["PER_PAGE"] = 10


def result_count(client, lang, query, **params):
    """The count line of a search page."""
    html = client.get(f"/{lang}/search", query_string={"q": query, **params}).get_data(
        as_text=True)
    return re.search(r'<p class="count">([^<]*)</p>', html).group(1)


def test_the_count_and_the_ranked_candidates_stop_at_the_cap(search_app):
    slugs = search_app.config["STORY_SLUGS"]
    client = search_app.test_client()
    # "tetova" finds four Albanian versions; exactly the cap is still an exact count
    search_app.config["SEARCH_MAX_RESULTS"] = 4
    try:
        assert result_count(client, "sq", "tetova") == "4 rezultate"
        search_app.config["SEARCH_MAX_RESULTS"] = 2
        assert result_count(client, "sq", "tetova") == "Më shumë se 2 rezultate"
        # only the newest cap + 1 matches are ranked (water, schools, basket; not the older
        # festival), in tiers as ever, and no more than the cap are shown
        assert found_slugs(client, "sq", "tetova") == [slugs["sq-basket"], slugs["sq-schools"]]
        search_app.config["PER_PAGE"] = 1
        assert found_slugs(client, "sq", "tetova", page=2) == [slugs["sq-schools"]]
        past = client.get("/sq/search", query_string={"q": "tetova", "page": 3})
        assert "nuk kanë faqe 3" in past.get_data(as_text=True)
        search_app.config["SEARCH_MAX_RESULTS"] = 1
        assert result_count(client, "mk", "tetovo") == "1 резултат"  # one match: exact
        assert result_count(client, "en", "tetovo metro") == "0 results"
    finally:
        search_app.config["SEARCH_MAX_RESULTS"] = 1000
        search_app.config["PER_PAGE"] = 10


def test_the_more_than_count_speaks_each_language(app):
    cases = (("sq", "festival", "Më shumë se 1 rezultat"), ("mk", "фестивал", "Повеќе од 1 резултат"),
             ("en", "festival", "More than 1 result"))
    with app.app_context():
        for lang, word, _ in cases:
            for day in (1, 2):
                publish(lang, {"headline": f"{word.capitalize()} {day}", "lede": "", "body": "…"},
                        datetime(2026, 11, day, 9, tzinfo=UTC))
        db.session.commit()
    app.config["SEARCH_MAX_RESULTS"] = 1
    # outside the app context: a request inside it would keep the first request's locale
    for lang, word, expected in cases:
        assert result_count(app.test_client(), lang, word) == expected


def test_snippets_show_what_was_written_with_marks(search_app):
    client = search_app.test_client()
    html = client.get("/mk/search", query_string={"q": "gorce dzamija"}).get_data(as_text=True)
    assert "<mark>Ѓорче</mark>" in html
    assert "<mark>џамијата</mark>" in html  # a body hit is shown as a snippet
    html = client.get("/sq/search", query_string={"q": "Тетово"}).get_data(as_text=True)
    assert "<mark>Tetova</mark>" in html and "<mark>Tetovës</mark>" in html


def test_the_query_is_escaped_everywhere(search_app):
    client = search_app.test_client()
    query = '<script>alert(1)</script> "><img src=x onerror=alert(1)> tetova'
    html = client.get("/sq/search", query_string={"q": query}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_highlight_escapes_the_text_itself():
    terms = parse_query("tetova")
    assert str(highlight("<b>Tetova</b> & Co", terms)) == (
        "&lt;b&gt;<mark>Tetova</mark>&lt;/b&gt; &amp; Co")
    long = " ".join(["fjalë"] * 40 + ["Tetovës"] + ["fund"] * 40)
    cut = str(snippet(long, terms))
    assert cut.startswith("… ") and cut.endswith(" …") and "<mark>Tetovës</mark>" in cut
    assert snippet("nothing here", terms) is None


def test_folding_and_the_stem_rule():
    assert fold_word("Ѓорче") == fold_word("gjorche") == fold_word("gorce") == "gorce"
    assert fold_word("џамија") == fold_word("dzamija") == "dzamija"
    assert fold_word("Shqipëri") == fold_word("shqiperi")
    assert {stem(fold_word(w)) for w in ("tetova", "tetovë", "tetovës", "Тетово")} == {"tetov"}
    assert stem("voda") == "voda"  # too short to lose an ending
    # nothing but letters and digits reaches a backend
    assert [t.folded for t in parse_query('"a" * NEAR( b : c ) -d')] == ["near"]
    assert parse_query('" * : ( ) -') == []


def test_search_page_query_count_is_small_and_fixed(search_app, count_queries):
    client = search_app.test_client()
    counts = {}
    for query in ("tetova", "shqiperi", "watermelon"):
        with count_queries(search_app) as counter:
            assert client.get("/sq/search", query_string={"q": query}).status_code == 200
        counts[query] = counter.count
    # on SQLite one of them looks up the words a long prefix begins (all prefixes at once)
    assert max(counts.values()) <= 5, counts
    assert counts["tetova"] == counts["shqiperi"], counts


def _search(client, lang, query):
    return found_slugs(client, lang, query)


def test_unpublish_removes_from_results(app, stories):
    client = app.test_client()
    assert _search(client, "mk", "gorce") == [stories["mk-water"]]
    with app.app_context():
        version = db.session.scalar(
            select(ArticleTranslation).where(ArticleTranslation.slug == stories["mk-water"]))
        workflow.transition(version, "unpublish", user=SYSTEM)
        db.session.commit()
    assert _search(client, "mk", "gorce") == []
    with app.app_context():
        version = db.session.scalar(
            select(ArticleTranslation).where(ArticleTranslation.slug == stories["mk-water"]))
        workflow.transition(version, "publish", user=SYSTEM)
        db.session.commit()
    assert _search(client, "mk", "gorce") == [stories["mk-water"]]


def _version(slug):
    return db.session.scalar(select(ArticleTranslation).where(ArticleTranslation.slug == slug))


def test_a_live_edit_updates_results_and_pending_changes_are_never_searchable(app, stories):
    client = app.test_client()
    slug = stories["en-metro"]
    with app.app_context():
        version = _version(slug)
        service.save_translation(version.article, "en", {
            "headline": "Skopje tram plan revived", "lede": version.lede, "body": version.body,
        }, user=SYSTEM, go_live=True)
        db.session.commit()
    assert _search(client, "en", "tram") == [slug]
    assert _search(client, "en", "metro") == []
    with app.app_context():
        version = _version(slug)
        # a save nobody published yet: readers (and search) keep the live text
        service.save_translation(version.article, "en", {
            "headline": "Skopje cable car plan", "lede": version.lede, "body": version.body,
        }, user=SYSTEM)
        db.session.commit()
        assert _version(slug).has_pending_changes
    assert _search(client, "en", "cable") == []
    assert _search(client, "en", "tram") == [slug]


def test_the_index_changes_in_the_publishing_transaction(app, stories):
    client = app.test_client()
    with app.app_context():
        publish("en", {"headline": "Ohrid lake clean-up", "lede": "Divers collect rubbish.",
                       "body": "Volunteers came."}, datetime(2026, 11, 30, tzinfo=UTC))
        db.session.rollback()
    assert _search(client, "en", "ohrid") == []


def test_reindex_command_rebuilds_the_index(app, stories, runner):
    client = app.test_client()
    with app.app_context():
        db.session.execute(text("DELETE FROM search_index"))
        db.session.commit()
    assert _search(client, "sq", "tetova") == []
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"indexed {len(STORIES)} published versions" in result.output
    assert len(_search(client, "sq", "tetova")) == 4
    assert _search(client, "sq", "sekreti") == []


def test_a_deleted_article_leaves_the_index(app, stories):
    with app.app_context():
        version = _version(stories["en-metro"])
        # the newsroom deletes no articles yet; what one would do, the foreign keys allowing
        version.live_revision_id = None
        db.session.flush()
        db.session.delete(db.session.get(Article, version.article_id))
        db.session.commit()
        assert db.session.scalar(text("SELECT count(*) FROM search_index")) == len(STORIES) - 1
        assert db.session.scalar(select(func.count()).select_from(Article)) == len(STORIES)


def test_every_public_page_has_the_header_search(search_app):
    client = search_app.test_client()
    slug = search_app.config["STORY_SLUGS"]["mk-park"]
    for url in ("/mk/", f"/mk/a/{slug}", "/mk/about", "/mk/search", "/mk/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="masthead-search" role="search"' in html, url
        assert 'action="/mk/search"' in html, url
        assert 'class="masthead-search-link" href="/mk/search"' in html, url


def test_an_entry_that_outlived_its_version_is_never_shown(app, stories):
    from bv.search.backends import Entry, backend_for

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's foreign key removes such entries itself")
        backend_for(db.session).upsert(db.session, Entry(
            translation_id=9999, locale="en", headline="Ghost story", lede="", body="",
            headline_folded="ghost story", lede_folded="", body_folded=""))
        db.session.commit()
    assert _search(app.test_client(), "en", "ghost") == []


def _index_rows(ids):
    """The index rows of these versions, every stored column, as the backend keeps them."""
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT translation_id, locale, CAST(document AS text) FROM search_index"
               " WHERE translation_id IN :ids ORDER BY translation_id")
    else:
        sql = ("SELECT rowid, locale, headline, lede, body, headline_f, lede_f, body_f"
               " FROM search_index WHERE rowid IN :ids ORDER BY rowid")
    statement = text(sql).bindparams(bindparam("ids", expanding=True))
    return [tuple(row) for row in db.session.execute(statement, {"ids": ids})]


def test_bulk_entries_of_generated_articles_are_the_per_version_entries(app):
    with app.app_context():
        generated.generate(12, seed=7)
        db.session.commit()
        versions = db.session.scalars(select(ArticleTranslation).order_by(ArticleTranslation.id)).all()
        ids = [v.id for v in versions]
        assert len(ids) == 36
        bulk = _index_rows(ids)
        assert [row[0] for row in bulk] == ids
        assert all(len(row[-1]) > 200 for row in bulk)  # the body is in it, not just the headline
        for version in versions:
            index_translation(version)
        assert _index_rows(ids) == bulk
        assert reindex_all(batch=5) == 36
        assert _index_rows(ids) == bulk
        db.session.commit()
        mk = next(v for v in versions if v.locale == "mk")
        word = max(mk.live_headline.split(), key=len)
        # as written, and typed in Latin letters
        for query in (word, fold_word(word)):
            assert mk.id in search_service.search("mk", query, 1, 50).ids, query


def test_generating_without_the_index_writes_no_entries(app):
    with app.app_context():
        generated.generate(3, index=False)
        db.session.commit()
        assert db.session.scalar(text("SELECT count(*) FROM search_index")) == 0


def test_a_long_prefix_is_read_as_its_few_words_with_the_same_results(search_app, monkeypatch):
    """SQLite: a prefix longer than FTS5's prefix indexes is expanded to the indexed words it
    begins (read lazily, newest first), and finds exactly what the prefix finds."""
    from bv.search.backends import SqliteFts5, backend_for

    with search_app.app_context():
        backend = backend_for(db.session)
        if not isinstance(backend, SqliteFts5):
            pytest.skip("PostgreSQL reads prefixes from its GIN index")
        terms = parse_query("Tetovës")
        expansions = backend.expansions(db.session, terms)
        words = expansions[terms[0].folded]
        assert words and all(word.startswith(terms[0].folded) for word in words)
        query = backend.match(terms, ("headline", "lede", "body"), expansions)
        assert "*" not in query and all(f'"{word}"' in query for word in words)
        queries = ("tetov", "Tetovës", "shqiperi", "Тетово", "komunal", "watermelon qytet",
                   "bashkise", "zzzzzzz")
        expanded = {q: search_service.search(locale, q, 1, 10).ids
                    for q in queries for locale in ("sq", "mk", "en")}
        # the same searches with every prefix left to FTS5 (no expansion can apply)
        monkeypatch.setattr(SqliteFts5, "PREFIX_INDEXED", 99)
        plain = {q: search_service.search(locale, q, 1, 10).ids
                 for q in queries for locale in ("sq", "mk", "en")}
        assert expanded == plain
        assert any(expanded.values())


def test_newly_indexed_words_can_be_expanded(app, stories):
    from bv.search.backends import SqliteFts5, backend_for

    with app.app_context():
        backend = backend_for(db.session)
        if not isinstance(backend, SqliteFts5):
            pytest.skip("SQLite's word list")
        article = service.create_article(source_locale="sq")
        version = service.save_translation(
            article, "sq", {"headline": "Ujësjellësi i ri", "lede": "Punimet nisin.",
                            "body": "Ujësjellësi furnizon lagjen."}, user=SYSTEM)
        workflow.transition(version, "publish", user=SYSTEM)
        db.session.commit()
        terms = parse_query("ujesjelles")
        assert backend.expansions(db.session, terms)[terms[0].folded] == [fold_word("Ujësjellësi")]
    assert _search(app.test_client(), "sq", "ujësjellës")
