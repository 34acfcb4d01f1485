"""Import time and peak memory of a large three-language WordPress export.

Writes a Polylang-style WXR file with N posts (default 20,000: a third each in sq, mk and en,
grouped by three), migrates a throw-away instance, imports the file with
`flask --app bv wordpress import` in a child process and reports its wall time and peak RSS
(resource.getrusage of the child). Usage: `.venv/bin/python bench/wxr_import.py [N]`.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LANGS = ("sq", "mk", "en")
WORDS = {
    "sq": "Komuna e Tetovës njoftoi se tregu i gjelbër do të rinovohet këtë pranverë",
    "mk": "Општина Тетово соопшти дека зелениот пазар ќе се обнови оваа пролет",
    "en": "Tetovo municipality said the green market will be renovated this spring",
}
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example.org</wp:base_site_url>
<wp:author><wp:author_login>desk</wp:author_login><wp:author_display_name>Desk</wp:author_display_name></wp:author>
"""


def write_export(path: Path, posts: int) -> None:
    """A Polylang export: language terms, one post_translations term per group of three."""
    groups = (posts + 2) // 3
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for code in LANGS:
            out.write(f"<wp:term><wp:term_id>{90000 + LANGS.index(code)}</wp:term_id>"
                      f"<wp:term_taxonomy>language</wp:term_taxonomy><wp:term_slug>{code}"
                      f"</wp:term_slug><wp:term_name>{code}</wp:term_name></wp:term>\n")
        for g in range(groups):
            members = [(3 * g + i + 1, code) for i, code in enumerate(LANGS) if 3 * g + i < posts]
            body = "".join(f's:2:"{code}";i:{pid};' for pid, code in members)
            out.write(f"<wp:term><wp:term_id>{100000 + g}</wp:term_id><wp:term_taxonomy>"
                      f"post_translations</wp:term_taxonomy><wp:term_slug>pll_{g}</wp:term_slug>"
                      f"<wp:term_name>pll_{g}</wp:term_name><wp:term_description><![CDATA["
                      f"a:{len(members)}:{{{body}}}]]></wp:term_description></wp:term>\n")
        for g in range(groups):
            for pid, code in [(3 * g + i + 1, c) for i, c in enumerate(LANGS) if 3 * g + i < posts]:
                prefix = "" if code == "sq" else f"/{code}"
                text = f"{WORDS[code]} ({g})."
                out.write(
                    f"<item><title>{WORDS[code][:40]} {g}</title>"
                    f"<link>https://bench.example.org{prefix}/2020/01/post-{pid}/</link>"
                    f"<dc:creator>desk</dc:creator>"
                    f"<content:encoded><![CDATA[<!-- wp:paragraph --><p>{text}</p>"
                    f"<!-- /wp:paragraph -->\n<!-- wp:paragraph --><p>{text} {text}</p>"
                    f"<!-- /wp:paragraph -->]]></content:encoded>"
                    f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                    f"<wp:post_id>{pid}</wp:post_id>"
                    f"<wp:post_date_gmt>2020-01-{1 + g % 28:02d} 08:{pid % 60:02d}:00"
                    f"</wp:post_date_gmt><wp:post_name>post-{pid}</wp:post_name>"
                    f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                    f"<wp:post_password></wp:post_password>"
                    f'<category domain="language" nicename="{code}">{code}</category>'
                    f'<category domain="post_translations" nicename="pll_{g}">pll_{g}</category>'
                    f"</item>\n")
        out.write("</channel></rss>\n")


def main() -> int:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    instance = Path(tempfile.mkdtemp(prefix="bv-wxr-bench-"))
    export = instance / "export.xml"
    write_export(export, posts)
    env = {**os.environ, "BV_INSTANCE_PATH": str(instance)}
    flask = [str(BIN / "flask"), "--app", "bv"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    result = subprocess.run([*flask, "wordpress", "import", str(export)], env=env,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        return result.returncode
    print(f"posts: {posts}; export: {export.stat().st_size / 1e6:.1f} MB")
    print(f"import: {seconds:.1f} s ({posts / seconds:.1f} posts/s); "
          f"peak RSS: {peak_kib / 1024:.0f} MiB")
    print("\n".join(line for line in result.stdout.splitlines()
                    if line.startswith(("Articles", "Redirects", "Translation groups"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
