"""`flask --app bv wordpress import EXPORT.xml` and `flask --app bv wordpress redirects`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from bv import redirects
from bv.i18n import LOCALES
from bv.wordpress import message_for
from bv.wordpress.importer import Importer
from bv.wordpress.wxr import BadExport

wordpress = AppGroup("wordpress", help="Import a WordPress site and answer its old URLs.")


@wordpress.command("import")
@click.argument("export", type=click.Path(exists=True, dir_okay=False))
@click.option("--uploads", type=click.Path(exists=True, file_okay=False),
              help="A copy of wp-content/uploads.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the report.")
@click.option("--default-language", type=click.Choice(LOCALES), default=LOCALES[0],
              show_default=True, help="Language of items the export does not label.")
@click.option("--author-map", type=click.Path(exists=True, dir_okay=False),
              help="CSV of WordPress login,e-mail: those authors become (inactive) staff.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=200, show_default=True)
def import_command(export, uploads, dry_run, default_language, author_map, batch_size):
    """Import posts, translations, terms, media and old URLs from a WXR file."""
    importer = Importer(export, uploads=uploads, default_language=default_language,
                        author_map=author_map, dry_run=dry_run, batch_size=batch_size)
    try:
        report = importer.run()
    except BadExport as error:
        # the operator's terminal speaks English, like the report
        with force_locale("en"):
            message = message_for(error)
        raise click.ClickException(message + " Nothing was changed.") from error
    for line in report.lines():
        click.echo(line)


@wordpress.command("redirects")
@click.option("--nginx", "nginx_file", type=click.Path(dir_okay=False, writable=True),
              help="Write the redirects as an nginx map to this file ('-' for stdout).")
def redirects_command(nginx_file):
    """List the old addresses and where they lead now."""
    # URLs are built as the site would build them for a reader
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        pairs = redirects.all_redirects()
    if nginx_file:
        text = redirects.nginx_map(pairs)
        if nginx_file == "-":
            click.echo(text, nl=False)
        else:
            with open(nginx_file, "w", encoding="utf-8") as handle:
                handle.write(text)
            click.echo(f"{len(pairs)} redirects written to {nginx_file}")
        return
    for old, new in pairs:
        click.echo(f"{old}\t{new}")
