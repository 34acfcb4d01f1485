"""The translation kit in real CAT tools: OmegaT 3.6 (console mode) and GNU gettext, the
XLIFF 1.2 schema, and the import rules (untranslated copies, unchanged files, languages)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from translate.storage import pypo, tbx, tmx

from bv.accounts.models import User
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.extensions import db
from bv.translation import files, review, store, sync
from bv.translation.exchange import ExchangeError, check_languages, export_xliff, parse
from bv.translation.models import GlossaryTerm
from tests.conftest import PASSWORD
from tests.translation.test_exchange import document

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "xliff-1.2"
XLF = "urn:oasis:names:tc:xliff:document:1.2"
NS = {"x": XLF}

HEADLINE = "Kuvendi i Tetovës miraton buxhetin"
LEDE = "Seanca zgjati **katër orë**."
P1 = ("Sipas [Ministrisë së Financave](https://financa.gov.al/buxheti?viti=2025&v=2), "
      "shpenzimet rriten për *3,5%*.")
P1_EDITED = P1.replace("3,5%", "4%")
P2 = 'Dokumenti është në [faqen e Kuvendit](https://kuvendi.example/doc "Dokumenti") me kodin `BUX-25`.'
P3 = "Lexoni më shumë në <https://tetova.example/lajme> dhe __arkivin__ tonë."

# what a translator's memory says, phrase by phrase (Macedonian, Cyrillic)
PHRASES = {
    "Seanca zgjati": "Седницата траеше",
    "katër orë": "четири часа",
    "Sipas": "Според",
    "Ministrisë së Financave": "Министерството за финансии",
    "shpenzimet rriten për": "расходите растат за",
    "Dokumenti është në": "Документот е на",
    "faqen e Kuvendit": "страницата на Собранието",
    "me kodin": "со шифрата",
    "Lexoni më shumë në": "Прочитајте повеќе на",
    "dhe": "и",
    "arkivin": "архивата",
    "tonë": "наша",
}


def _translate(text: str) -> str:
    """Replace the Albanian phrases, longest first; tags and Markdown stay where they are."""
    for sq in sorted(PHRASES, key=len, reverse=True):
        text = re.sub(r"(?<![\w])" + re.escape(sq) + r"(?![\w])", PHRASES[sq], text)
    return text


def _links(text: str) -> list[str]:
    """The Markdown that must survive a CAT tool: link targets, autolinks, code, emphasis."""
    return re.findall(r"\]\([^)]*\)|<https?://[^>]+>|`[^`]+`|\*\*|__|(?<!\*)\*(?!\*)", text)


@pytest.fixture
def article_id(app, staff):
    """A published sq article; mk has a human headline, an outdated paragraph, the rest new."""
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = service.create_article(source_locale="sq", author=editor)
        source = service.save_translation(
            article, "sq",
            {"headline": HEADLINE, "lede": LEDE, "body": "\n\n".join([P1, P2, P3])}, user=editor,
        )
        workflow.transition(source, "publish", user=editor)
        keys = {s.source_text: s.key for s in sync.source_segments(article)}
        review.save_review(
            article, "mk",
            {keys[HEADLINE]: "Собранието на Тетово го донесува буџетот",
             keys[P1]: "Според [Министерството](https://financa.gov.al/buxheti?viti=2025&v=2), "
                       "расходите растат за *3,5%*."},
            set(), user=editor, expected_revision=None,
        )
        db.session.add(GlossaryTerm(source_locale="sq", target_locale="mk", term="Kuvendi",
                                    translation="Собранието"))
        db.session.add(GlossaryTerm(source_locale="sq", target_locale="mk", term="BUX-25",
                                    do_not_translate=True))
        store.remember("sq", "mk", P2.replace("me kodin", "nën kodin"),
                       "Документот е на [страницата на Собранието](https://kuvendi.example/doc "
                       "\"Dokumenti\") под шифрата `BUX-25`.", origin="human")
        db.session.commit()
        service.save_translation(article, "sq", {"body": "\n\n".join([P1_EDITED, P2, P3])},
                                 user=editor)
        db.session.commit()
        return article.id


def _editor(app):
    return db.session.scalar(select(User).where(User.role == "editor"))


def _kit(app, article_id) -> dict[str, bytes]:
    with app.app_context():
        data, name, mimetype = files.export(db.session.get(Article, article_id), "mk", "zip")
    assert mimetype == "application/zip" and name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _schema() -> etree.XMLSchema:
    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            # xliff-core imports http://www.w3.org/2001/xml.xsd: tests have no network
            if url.endswith("xml.xsd"):
                return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd"), parser))


# the schema


def test_exported_xliff_is_valid_xliff_1_2_strict(app, article_id):
    schema = _schema()
    assert schema.validate(etree.fromstring(export_xliff(document()))), schema.error_log
    kit = _kit(app, article_id)
    (xlf,) = [v for k, v in kit.items() if k.endswith(".xlf")]
    assert schema.validate(etree.fromstring(xlf)), schema.error_log
    # the schema is really checked: a state XLIFF 1.2 does not know is refused
    broken = etree.fromstring(xlf)
    broken.find(".//x:target", NS).set("state", "machine")
    assert not schema.validate(broken)


# what the kit holds


def test_the_kit_is_an_omegat_project_with_xliff_po_tmx_and_tbx(app, article_id):
    kit = _kit(app, article_id)
    name = f"article-{article_id}-sq-mk"
    assert {f"{name}/omegat.project", f"{name}/source/{name}.xlf", f"{name}/tm/{name}.tmx",
            f"{name}/glossary/glossary-sq-mk.tbx", f"{name}/{name}.po",
            f"{name}/README.txt"} <= set(kit)
    project = etree.fromstring(kit[f"{name}/omegat.project"])
    assert (project.findtext(".//source_lang"), project.findtext(".//target_lang")) == ("sq", "mk")

    root = etree.fromstring(kit[f"{name}/source/{name}.xlf"])
    units = {u.get("resname"): u for u in root.iterfind(".//x:trans-unit", NS)}
    states = {k: u.find("x:target", NS).get("state") for k, u in units.items()}
    assert states == {"headline": "translated", "lede": "new", "b1": "needs-translation",
                      "b2": "new", "b3": "new"}
    assert not any(u.get("approved") == "yes" for u in units.values())
    # untranslated and outdated units offer the (new) source in <target>, tags and all
    for key in ("lede", "b1", "b2"):
        source, target = units[key].find("x:source", NS), units[key].find("x:target", NS)
        assert etree.tostring(source).split(b">", 1)[1].rsplit(b"<", 1)[0] == \
            etree.tostring(target).split(b">", 1)[1].rsplit(b"<", 1)[0]
    assert "4%" in "".join(units["b1"].find("x:target", NS).itertext())
    # the link is one protected pair holding its Markdown; the URL is not text to translate
    bpt = units["b1"].find("x:source/x:bpt", NS)
    ept = units["b1"].find("x:source/x:ept", NS)
    assert (bpt.text, ept.text, bpt.get("id")) == (
        "[", "](https://financa.gov.al/buxheti?viti=2025&v=2)", ept.get("id"))
    alt = units["b1"].find("x:alt-trans[@origin='previous']", NS)
    assert "3,5%" in "".join(alt.find("x:source", NS).itertext())
    assert "Министерството" in "".join(alt.find("x:target", NS).itertext())

    memory = tmx.tmxfile(kit[f"{name}/tm/{name}.tmx"])
    pairs = {u.source: u.target for u in memory.units}
    assert pairs[P1].startswith("Според [Министерството]")  # the previous translation
    assert any("под шифрата" in t for t in pairs.values())  # a close memory match for b2
    glossary = {u.source: u.target for u in tbx.tbxfile(kit[f"{name}/glossary/glossary-sq-mk.tbx"]).units}
    assert glossary == {"BUX-25": "BUX-25", "Kuvendi": "Собранието"}

    po = pypo.pofile(kit[f"{name}/{name}.po"])
    header = po.parseheader()
    assert header["Last-Translator"] == "Editor <editor@test.example>"
    assert "mk desk" not in header["Language-Team"] and "Macedonian" in header["Language-Team"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d\+0000", header["PO-Revision-Date"])
    assert header["X-BV-Target-Language"] == "mk"
    b1 = next(u for u in po.units if u.getcontext() == "b1")
    assert b1.source == "Sipas <1>Ministrisë së Financave</1>, shpenzimet rriten për <3>4%</3>."
    assert b1.isfuzzy() and b1.prev_source == P1


def test_machine_drafts_export_as_needs_review(app, article_id):
    with app.app_context():
        article = db.session.get(Article, article_id)
        translation = article.translation("mk")
        row = sync.translated_segments(translation)["headline"]
        row.origin = "machine"  # as a machine draft leaves it
        db.session.commit()
        doc = files.document_for(article, "mk")
    assert doc.units[0].state == "needs-review"
    root = etree.fromstring(export_xliff(doc))
    unit = root.find(".//x:trans-unit[@resname='headline']", NS)
    assert unit.find("x:target", NS).get("state") == "needs-review-translation"
    assert unit.get("approved") != "yes"


def test_the_kit_downloads_from_the_newsroom(app, article_id, staff):
    client = app.test_client()
    client.post("/newsroom/login", data={"email": staff["editor"], "password": PASSWORD})
    page = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
    assert f"/newsroom/articles/{article_id}/mk/export.zip" in page
    response = client.get(f"/newsroom/articles/{article_id}/mk/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.data)).testzip() is None


# import rules


def _revisions(app, article_id) -> int:
    with app.app_context():
        return len(db.session.get(Article, article_id).translation("mk").revisions)


def test_an_untranslated_copy_is_skipped_and_an_unchanged_file_saves_nothing(app, article_id):
    kit = _kit(app, article_id)
    (xlf,) = [v for k, v in kit.items() if k.endswith(".xlf")]
    (po,) = [v for k, v in kit.items() if k.endswith(".po")]
    doc = parse(xlf, "a.xlf")
    assert {u.key: u.state for u in doc.units} == {
        "headline": "translated", "lede": "new", "b1": "outdated", "b2": "new", "b3": "new"}
    assert [u.target for u in doc.units if u.state == "new"] == ["", "", ""]
    before = _revisions(app, article_id)
    for data, name in ((xlf, "a.xlf"), (po, "a.po")):
        with app.app_context():
            article = db.session.get(Article, article_id)
            report = files.import_file(article, "mk", data, name, user=_editor(app))
            assert not report.blocked and report.unchanged and report.imported == 0
            db.session.commit()
        assert _revisions(app, article_id) == before
    # the same file with one real edit makes exactly one new version
    root = etree.fromstring(xlf)
    root.find(".//x:trans-unit[@resname='lede']/x:target", NS).text = "Седницата траеше "
    with app.app_context():
        report = files.import_file(db.session.get(Article, article_id), "mk",
                                   etree.tostring(root), "a.xlf", user=_editor(app))
        assert report.imported == 1, report.mismatches
        db.session.commit()
    assert _revisions(app, article_id) == before + 1


@pytest.mark.parametrize("fmt", ["xlf", "po"])
def test_a_file_whose_target_language_was_edited_is_refused(app, article_id, staff, fmt):
    kit = _kit(app, article_id)
    (data,) = [v for k, v in kit.items() if k.endswith("." + fmt)]
    if fmt == "xlf":
        edited = data.replace(b'target-language="mk"', b'target-language="en"')
    else:
        edited = data.replace(b"\"Language: mk", b"\"Language: en")
    assert edited != data
    doc = parse(edited, "a." + fmt)
    assert (doc.target_locale, doc.exported_target) == ("en", "mk")
    with pytest.raises(ExchangeError) as error:
        check_languages(doc, source_locale="sq", locales=("sq", "mk", "en"))
    assert error.value.details == {"exported": "mk", "file": "en"}
    client = app.test_client()
    client.post("/newsroom/login", data={"email": staff["editor"], "password": PASSWORD})
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        editor.ui_locale = "mk"
        db.session.commit()
    response = client.post(
        f"/newsroom/articles/{article_id}/mk/import",
        data={"file": (io.BytesIO(edited), "a." + fmt)}, content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "македонски" in html.lower() and "англиски" in html.lower()


# real tools


def _java_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install {name}); the round trip is skipped")
    if name == "omegat" and shutil.which("java") is None:
        pytest.skip("OmegaT needs Java, which is not installed; the round trip is skipped")
    return path


def _omegat(*args: str) -> None:
    result = subprocess.run([_java_tool("omegat"), *args], capture_output=True, text=True,
                            timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def _check_round_trip(app, article_id, data: bytes, filename: str) -> None:
    with app.app_context():
        article = db.session.get(Article, article_id)
        report = files.import_file(article, "mk", data, filename, user=_editor(app))
        assert not report.blocked, [str(m.message) for m in report.mismatches]
        assert report.imported == 4  # lede, b1 (outdated), b2, b3; the headline is unchanged
        db.session.commit()
        article = db.session.get(Article, article_id)
        sources = {s.key: s.source_text for s in sync.source_segments(article)}
        done = sync.translated_segments(article.translation("mk"))
        assert set(done) == set(sources)
        assert not sync.stale_keys(article.translation("mk"))
        for key, source in sources.items():
            target = done[key].target_text
            assert _links(target) == _links(source), (key, target)
            assert target != source and re.search("[а-яѓќљњџѕј]", target), (key, target)
        assert done["b1"].target_text == (
            "Според [Министерството за финансии](https://financa.gov.al/buxheti?viti=2025&v=2), "
            "расходите растат за *4%*.")


def test_omegat_fills_the_kit_from_a_tmx_and_the_links_come_back(app, article_id, tmp_path):
    _java_tool("omegat")
    kit = _kit(app, article_id)
    unpacked = tmp_path / "unpacked"
    for path, content in kit.items():
        target = unpacked / path
        if path.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    (project,) = list(unpacked.iterdir())
    # what OmegaT offers for translation, its tags as OmegaT shows them (<f0>…</f0>, <k1/>)
    seen = tmp_path / "seen.tmx"
    _omegat(str(project), "--mode=console-createpseudotranslatetmx",
            f"--pseudotranslatetmx={seen}", "--pseudotranslatetype=equal")
    segments = [tu.find("tuv/seg").text for tu in etree.parse(str(seen)).iterfind(".//tu")]
    # the headline is already translated; the four others show their (new) source
    assert len(segments) == 5 and sum(s != _translate(s) for s in segments) == 4
    assert any("4%" in s for s in segments) and not any("3,5%" in s for s in segments)
    # the translator's memory, in OmegaT's own TMX form; tm/auto fills targets on load
    memory = etree.Element("tmx", version="1.4")
    etree.SubElement(memory, "header", creationtool="test", creationtoolversion="1",
                     segtype="paragraph", adminlang="en", srclang="sq", datatype="plaintext",
                     **{"o-tmf": "test"})
    body = etree.SubElement(memory, "body")
    for text in segments:
        tu = etree.SubElement(body, "tu")
        for lang, value in (("sq", text), ("mk", _translate(text))):
            tuv = etree.SubElement(tu, "tuv", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
            etree.SubElement(tuv, "seg").text = value
    (project / "tm" / "auto").mkdir()
    (project / "tm" / "auto" / "memory.tmx").write_bytes(
        etree.tostring(memory, xml_declaration=True, encoding="UTF-8"))
    _omegat(str(project), "--mode=console-translate")
    (translated,) = (project / "target").glob("*.xlf")
    data = translated.read_bytes()
    assert "Според" in data.decode()
    _check_round_trip(app, article_id, data, translated.name)


def _gettext(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        pytest.skip(f"GNU gettext's {args[0]} is not installed (apt-get install gettext)")
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def test_gettext_fills_the_po_from_a_compendium_and_the_links_come_back(app, article_id, tmp_path):
    kit = _kit(app, article_id)
    (po,) = [v for k, v in kit.items() if k.endswith(".po")]
    (tmp_path / "exported.po").write_bytes(po)
    _gettext("msgfmt", "-c", "-o", "/dev/null", "exported.po", cwd=tmp_path)
    exported = pypo.pofile(po)
    # the compendium: the translator's memory, numbered tags and all
    compendium = pypo.pofile()
    compendium.updateheader(add=True, Language="mk",
                            Content_Type="text/plain; charset=UTF-8")
    for unit in exported.units:
        if unit.isheader() or unit.getcontext() == "headline":
            continue
        entry = compendium.addsourceunit(unit.source)
        entry.setcontext(unit.getcontext())
        entry.target = _translate(unit.source)
    (tmp_path / "compendium.po").write_bytes(bytes(compendium))
    # drop what is not finished (the outdated paragraph), then fill from the compendium
    _gettext("msgattrib", "--no-fuzzy", "-o", "kept.po", "exported.po", cwd=tmp_path)
    _gettext("msgmerge", "--no-fuzzy-matching", "--compendium=compendium.po", "-o", "filled.po",
             "kept.po", "exported.po", cwd=tmp_path)
    _gettext("msgcat", "-o", "final.po", "filled.po", cwd=tmp_path)
    _gettext("msgfmt", "-c", "-o", "/dev/null", "final.po", cwd=tmp_path)
    data = (tmp_path / "final.po").read_bytes()
    codes = [line for line in data.decode().splitlines() if line.startswith("#. bv-codes: ")]
    assert len(codes) == 4 and json.loads(codes[0][len("#. bv-codes: "):])
    _check_round_trip(app, article_id, data, "final.po")


def test_the_cli_writes_the_kit(app, article_id, runner, tmp_path):
    path = tmp_path / "kit.zip"
    result = runner.invoke(args=["xliff", "export", str(article_id), "--to", "mk", "-o", str(path)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(path).namelist()
    assert f"article-{article_id}-sq-mk/omegat.project" in names
