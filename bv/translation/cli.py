"""`flask --app bv mt ...` and `flask --app bv xliff ...`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from bv.accounts.permissions import SYSTEM
from bv.articles import service
from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation import drafting, files, quality
from bv.translation.exchange import ExchangeError, parse
from bv.translation.models import TranslatedSegment
from bv.translation.mt import MTError
from bv.translation.mt.providers import PROVIDERS

mt = AppGroup("mt", help="Machine translation.")
xliff = AppGroup("xliff", help="XLIFF and PO files for professional tools.")


def _article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        raise click.ClickException(f"no article {article_id}")
    if article.source is None:
        raise click.ClickException(f"article {article_id} has no source text")
    return article


def _run(article: Article, locale: str, provider: str | None) -> int:
    """Draft one language now; returns how many segments failed (they stay untranslated)."""
    try:
        outcome = drafting.draft(article, locale, provider=provider)
    except MTError as error:
        db.session.rollback()
        raise click.ClickException(f"article {article.id} → {locale}: {error.message}") from None
    except ValueError as error:  # e.g. an unknown provider name in MT_PROVIDERS
        db.session.rollback()
        raise click.ClickException(f"article {article.id} → {locale}: {error}") from None
    click.echo(
        f"article {article.id} {article.source_locale}→{locale}: "
        f"{outcome.sent_segments} segments sent in {outcome.requests} requests, "
        f"{outcome.memory_hits} from memory"
        + (f", {len(outcome.failed_keys)} failed: {', '.join(outcome.failed_keys)}" if outcome.failed_keys else "")
        + (f", routes {outcome.routes}" if outcome.routes else "")
        + (f", flags {outcome.flags}" if outcome.flags else "")
        + (f", second opinion {outcome.second_opinion_requests} requests "
           f"{outcome.second_opinion_characters} characters"
           if outcome.second_opinion_requests else "")
    )
    return len(outcome.failed_keys)


@mt.command("draft")
@click.argument("article_id", type=int, required=False)
@click.option("--to", "locale", type=click.Choice(LOCALES), help="Target language.")
@click.option("--provider", type=click.Choice(sorted(PROVIDERS)), help="Use only this service.")
@click.option("--all-missing", is_flag=True, help="Every language an article lacks (all articles without ARTICLE_ID).")
def draft_command(article_id, locale, provider, all_missing):
    """Make machine drafts now (without the queue)."""
    if all_missing:
        if article_id:
            articles = [_article(article_id)]
        else:
            articles = db.session.scalars(
                select(Article).options(selectinload(Article.translations)).order_by(Article.id)
            ).all()
        count = failed = 0
        for article in articles:
            if article.source is None:
                continue
            for code in drafting.missing_locales(article):
                failed += _run(article, code, provider)
                count += 1
        click.echo(f"{count} drafts made")
        _fail_on(failed)
        return
    if not article_id or not locale:
        raise click.UsageError("give ARTICLE_ID and --to LOCALE, or --all-missing")
    article = _article(article_id)
    if locale == article.source_locale:
        raise click.BadParameter(f"{locale} is the article's source language", param_hint="--to")
    _fail_on(_run(article, locale, provider))


def _fail_on(failed: int) -> None:
    """Scripts must notice a partial draft: failed segments make the command fail."""
    if failed:
        raise click.ClickException(
            f"{failed} segment(s) could not be translated; the draft has them empty")


@xliff.command("export")
@click.argument("article_id", type=int)
@click.option("--to", "locale", type=click.Choice(LOCALES), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(sorted(files.FORMATS)), default=None,
              help="xliff, po or zip (the translation kit: an OmegaT project with XLIFF, PO, "
              "TMX and TBX); by default from the file name.")
def export_command(article_id, locale, output, fmt):
    """Write one translation as XLIFF 1.2, PO, or the zipped translation kit."""
    article = _article(article_id)
    if locale == article.source_locale:
        raise click.BadParameter(f"{locale} is the article's source language", param_hint="--to")
    fmt = fmt or {".po": "po", ".zip": "zip"}.get(output.suffix, "xliff")
    data, _name, _mime = files.export(article, locale, fmt)
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)")


@xliff.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path):
    """Read a translated XLIFF or PO file back; every mismatch is reported."""
    data = path.read_bytes()
    try:
        doc = parse(data, path.name)
        article = _article(doc.article_id)
        # the file names its language; it is held to the same rules as an upload
        report = files.import_file(article, doc.target_locale, data, path.name, user=SYSTEM)
    except ExchangeError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    except (service.EditConflict, StaleDataError):
        db.session.rollback()
        raise click.ClickException("the translation changed during the import; nothing imported") from None
    for mismatch in report.mismatches:
        click.echo(("error: " if mismatch.blocking else "warning: ") + str(mismatch.message), err=True)
    if report.blocked:
        raise click.ClickException("nothing imported")
    if report.unchanged:
        click.echo(f"the file changes nothing in article {article.id} ({doc.target_locale}); "
                   "no new version")
        return
    db.session.commit()
    click.echo(f"imported {report.imported} segments into article {article.id} ({doc.target_locale})")


@mt.command("flags")
@click.option("--to", "locale", type=click.Choice(LOCALES), help="Only this target language.")
def flags_command(locale):
    """Count the quality flags by kind on drafted segments nobody has saved yet."""
    stmt = (select(TranslatedSegment.flags, ArticleTranslation.locale)
            .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
            .where(TranslatedSegment.origin != "human"))
    if locale:
        stmt = stmt.where(ArticleTranslation.locale == locale)
    counts: dict[str, int] = {code: 0 for code in quality.FLAG_ORDER}
    segments = flagged = 0
    for stored, _locale in db.session.execute(stmt):
        segments += 1
        codes = [f.code for f in quality.flags_from_json(stored)]
        flagged += bool(codes)
        for code in codes:
            counts[code] += 1
    click.echo(f"{segments} drafted segments, {flagged} with flags")
    for code in quality.FLAG_ORDER:
        click.echo(f"  {code:<14} {counts[code]}")


@mt.command("calibrate")
@click.option("--limit", type=click.IntRange(1, 100_000), default=5000, show_default=True,
              help="The most recently reviewed drafts to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def calibrate_command(limit, as_json):
    """How reviewers' changes (post-edit similarity) differ between flagged and unflagged drafts."""
    samples = quality.reviewed_samples(limit=limit)
    report = quality.calibrate(samples)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{report['samples']} reviewed machine drafts, mean post-edit similarity "
               f"{report['mean_similarity']} %; heavy edit = similarity below "
               f"{int(100 * report['heavy_edit_below'])} %")
    click.echo(f"  {'flag':<14} {'flagged':>7} {'sim.':>6} {'others':>7} {'sim.':>6} "
               f"{'diff':>6} {'J':>6}")
    for code, row in report["flags"].items():
        click.echo(_calibration_line(code, row))
    for name, unit in (("length", "× norm"), ("agreement", "chrF <")):
        part = report[name]
        click.echo(f"{name} ({unit}), now {part['current']}, suggested {part['suggested']}")
        for row in part["candidates"]:
            click.echo(_calibration_line(str(row["threshold"]), row))


def _calibration_line(label: str, row: dict) -> str:
    def show(value):
        return "–" if value is None else str(value)

    return (f"  {label:<14} {row['flagged']:>7} {show(row['similarity_flagged']):>6} "
            f"{row['unflagged']:>7} {show(row['similarity_unflagged']):>6} "
            f"{show(row['difference']):>6} {show(row['youden_j']):>6}")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(mt)
    app.cli.add_command(xliff)
