"""Running on many machines: settings documented, gunicorn and systemd files, nginx in front,
object storage for uploads, and a backup restored on PostgreSQL."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import request
from flask_babel import force_locale
from PIL import Image as PILImage
from werkzeug.serving import make_server

from bv import create_app
from bv.config import PROJECT_ROOT, defaults
from bv.extensions import db
from bv.media import ImageRejected, store_image
from bv.translation.mt.settings import DEFAULTS as MT_DEFAULTS
from tests.conftest import PG_URL, _config

DEPLOY = PROJECT_ROOT / "deploy"
DOC = (PROJECT_ROOT / "docs" / "deploy.md").read_text()

# Flask, SQLAlchemy and Babel keys that bv derives itself or that no deployment should set
DERIVED = {
    "BABEL_DEFAULT_LOCALE",  # from DEFAULT_LOCALE
    "BABEL_TRANSLATION_DIRECTORIES",
    "SQLALCHEMY_DATABASE_URI",  # from DATABASE_URL
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SAMESITE", "REMEMBER_COOKIE_SECURE",
    "WTF_CSRF_TIME_LIMIT",
    "RATELIMIT_STORAGE_URI", "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",  # from REDIS_URL
    "JOBS_IMMEDIATE",  # tests only: run jobs inline
    "TESTING",
}


def _settings_read_by_the_code() -> set[str]:
    """Every config key the package reads by name, plus every default it declares."""
    keys = set(defaults(Path("/tmp"))) | set(MT_DEFAULTS)
    for path in (PROJECT_ROOT / "bv").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            # config["X"], config.get("X"), settings.get("X")
            if isinstance(node, ast.Subscript) and _names_config(node.value):
                key = node.slice
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and _names_config(node.func.value)
                and node.args
            ):
                key = node.args[0]
            else:
                continue
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if re.fullmatch(r"[A-Z][A-Z0-9_]+", key.value):
                    keys.add(key.value)
    return keys - DERIVED


def _names_config(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in ("config", "values")) or (
        isinstance(node, ast.Name) and node.id in ("config", "settings")
    )


def test_every_setting_the_code_reads_is_documented_in_deploy_md():
    keys = _settings_read_by_the_code()
    assert {"SITE_URL", "DATABASE_URL", "MT_PROVIDERS", "MEDIA_STORAGE"} <= keys  # the scan works
    missing = sorted(k for k in keys if f"`BV_{k}`" not in DOC)
    assert not missing, f"settings missing from docs/deploy.md: {missing}"


def test_every_bv_variable_in_deploy_files_is_documented():
    names = set()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            names |= set(re.findall(r"\bBV_[A-Z0-9_]+", path.read_text()))
    names = {n for n in names if not n.endswith("_")}  # "BV_WEB_*" in a comment
    missing = sorted(n for n in names if f"`{n}`" not in DOC)
    assert not missing, missing


def test_gunicorn_config_file_loads_and_reads_its_overrides(tmp_path):
    env = {**os.environ, "BV_WEB_WORKERS": "3", "BV_WEB_BIND": "127.0.0.1:8123",
           "BV_INSTANCE_PATH": str(tmp_path)}
    script = (
        "import runpy, json; c = runpy.run_path('deploy/gunicorn.conf.py');"
        "print(json.dumps({k: c[k] for k in ('workers', 'bind', 'worker_class', 'timeout')}))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert '"workers": 3' in out and '"bind": "127.0.0.1:8123"' in out
    # gunicorn itself accepts the file and imports the app with it
    gunicorn = Path(sys.executable).with_name("gunicorn")
    checked = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]


@pytest.mark.parametrize("unit", ["bv-web.service", "bv-worker.service"])
def test_systemd_units_start_what_exists(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / unit)
    exec_start = shlex.split(parser["Service"]["ExecStart"])
    program = Path(exec_start[0])
    assert str(program).startswith("/srv/bv/.venv/bin/")
    # the same program exists in this checkout's virtual environment
    assert Path(sys.executable).with_name(program.name).exists(), program.name
    assert parser["Service"]["WorkingDirectory"] == "/srv/bv"
    assert parser["Service"]["EnvironmentFile"] == "/etc/bv/bv.env"
    if unit == "bv-web.service":
        assert exec_start[1:4] == ["-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        assert (PROJECT_ROOT / exec_start[2]).exists()
    else:
        assert exec_start[1] == "bv.jobs.worker.huey"
        # found, not imported: importing it builds the production app and hooks it into the
        # process-wide queue, which would capture every later consumer in this test run
        assert importlib.util.find_spec("bv.jobs.worker") is not None


def _app_with(tmp_path, migrated_template, **extra):
    from tests.conftest import fresh_app

    return fresh_app(tmp_path, migrated_template, **extra)


def test_forwarded_address_is_trusted_only_from_the_configured_proxies(tmp_path, migrated_template):
    for case, (count, forwarded, expected) in enumerate((
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a forged first hop is not believed
    )):
        folder = tmp_path / str(case)
        folder.mkdir()
        with _app_with(folder, migrated_template, PROXY_COUNT=count) as app:
            app.add_url_rule("/_address", "address", lambda: request.remote_addr)
            answer = app.test_client().get(
                "/_address", headers={"X-Forwarded-For": forwarded},
                environ_base={"REMOTE_ADDR": "127.0.0.1"},
            )
            assert answer.get_data(as_text=True) == expected


def _photo() -> bytes:
    picture = PILImage.new("RGB", (640, 480), (30, 120, 200))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_settings(endpoint: str) -> dict:
    return {
        "MEDIA_STORAGE": "s3", "S3_BUCKET": "bv-media", "S3_PREFIX": "media/",
        "S3_ENDPOINT_URL": endpoint, "S3_REGION": "eu-central-1",
        "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test", "S3_TIMEOUT": 2,
    }


def test_uploads_go_to_object_storage_and_are_served_from_it(tmp_path, migrated_template, s3_server):
    import boto3

    bucket = boto3.client("s3", endpoint_url=s3_server, region_name="eu-central-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    bucket.create_bucket(Bucket="bv-media",
                         CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    with _app_with(tmp_path, migrated_template, **_s3_settings(s3_server)) as app:
        with app.test_request_context():
            image = store_image(_photo())
            db.session.commit()
            name = f"{image.stem}-{image.widths[-1]}.jpg"
        # nothing on the local disk: the bucket holds every size
        assert not any(Path(app.config["UPLOAD_FOLDER"]).iterdir())
        keys = {o["Key"] for o in bucket.list_objects_v2(Bucket="bv-media")["Contents"]}
        assert keys == {f"media/{image.stem}-{w}.jpg" for w in image.widths}
        stored = bucket.get_object(Bucket="bv-media", Key=f"media/{name}")
        assert stored["ContentType"] == "image/jpeg"
        stored_bytes = stored["Body"].read()

        client = app.test_client()
        served = client.get(f"/media/{name}")
        assert served.status_code == 200
        assert served.data == stored_bytes and stored_bytes[:2] == b"\xff\xd8"
        assert served.mimetype == "image/jpeg"
        assert "immutable" in served.headers["Cache-Control"]
        assert client.get(f"/media/{image.stem}-9999.jpg").status_code == 404
        assert client.get("/media/..%2Fsecret_key").status_code == 404


def test_unreachable_object_storage_gives_a_localized_error_not_a_500(tmp_path, migrated_template):
    closed = f"http://127.0.0.1:{_free_port()}"
    with _app_with(tmp_path, migrated_template, **_s3_settings(closed)) as app:
        with app.test_request_context(), force_locale("sq"):
            with pytest.raises(ImageRejected) as refused:
                store_image(_photo())
            message = str(refused.value.message)
            db.session.rollback()
        assert message and "image could not be stored" not in message  # said in Albanian
        assert app.test_client().get("/media/abc-480.jpg").status_code == 503


def test_a_local_file_is_never_seen_half_written(tmp_path):
    from bv.media.storage import LocalStorage

    storage = LocalStorage(tmp_path / "uploads")
    storage.save("a-480.jpg", b"x" * 10, "image/jpeg")
    assert storage.read("a-480.jpg") == b"x" * 10
    assert [p.name for p in (tmp_path / "uploads").iterdir()] == ["a-480.jpg"]
    with pytest.raises(ValueError):
        storage.save("../escape.jpg", b"x", "image/jpeg")
    storage.delete("a-480.jpg")
    assert storage.read("a-480.jpg") is None


# --- nginx in front of the app, with the repository's locations file --------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture
def behind_nginx(tmp_path, demo_app):
    if not NGINX:
        pytest.skip("nginx not installed (apt-get install nginx-light): nginx test skipped")
    demo_app.config["PROXY_COUNT"] = 1
    app_server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    threading.Thread(target=app_server.serve_forever, daemon=True).start()
    port = _free_port()
    locations = (DEPLOY / "nginx" / "bv-locations.conf").read_text()
    locations = locations.replace("/srv/bv/bv/static/", f"{PROJECT_ROOT / 'bv' / 'static'}/")
    locations = locations.replace(
        "/srv/bv/instance/uploads/", f"{Path(demo_app.config['UPLOAD_FOLDER']).resolve()}/"
    )
    (tmp_path / "bv-locations.conf").write_text(locations)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    proxy_cache_path {tmp_path}/cache levels=1:2 keys_zone=bv:2m max_size=50m inactive=10m use_temp_path=off;
    upstream bv_web {{ server 127.0.0.1:{app_server.server_port}; keepalive 4; }}
    server {{ listen 127.0.0.1:{port}; server_name localhost; include {tmp_path}/bv-locations.conf; }}
}}
""")
    nginx = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                             stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if nginx.poll() is not None:
                pytest.fail(nginx.stderr.read().decode())
            time.sleep(0.05)
    yield base
    nginx.terminate()
    nginx.wait(timeout=10)
    nginx.stderr.close()
    app_server.shutdown()
    demo_app.config["PROXY_COUNT"] = 0


def _get(url: str, **headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


def test_nginx_serves_static_files_and_uploads_and_passes_the_rest(behind_nginx, demo_app):
    status, headers, body = _get(f"{behind_nginx}/static/site.css")
    assert status == 200 and body == (PROJECT_ROOT / "bv" / "static" / "site.css").read_bytes()
    assert "Content-Security-Policy" not in headers, "nginx, not the app, served it"
    assert headers["X-Content-Type-Options"] == "nosniff"

    with demo_app.test_request_context():
        image = store_image(_photo())
        db.session.commit()
        name, stem = f"{image.stem}-{image.widths[0]}.jpg", image.stem
    status, headers, body = _get(f"{behind_nginx}/media/{name}")
    assert status == 200 and body[:2] == b"\xff\xd8"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Security-Policy" not in headers
    # not on disk: the app answers (its 404 page carries the CSP)
    status, headers, _ = _get(f"{behind_nginx}/media/{stem}-7.jpg")
    assert status == 404 and "Content-Security-Policy" in headers

    status, headers, body = _get(f"{behind_nginx}/en/")
    assert status == 200 and b"<html" in body and "Content-Security-Policy" in headers


def test_nginx_keeps_public_pages_and_never_the_newsroom(behind_nginx):
    first = _get(f"{behind_nginx}/en/")
    second = _get(f"{behind_nginx}/en/")
    assert first[0] == second[0] == 200
    assert "public" in first[1]["Cache-Control"], first[1].get("Cache-Control")
    assert second[1]["X-Cache-Status"] in ("HIT", "STALE", "UPDATING")
    assert first[2] == second[2]

    for _ in range(2):
        status, headers, _ = _get(f"{behind_nginx}/newsroom/login")
        assert status == 200
        assert "no-store" in headers["Cache-Control"]
        assert headers["X-Cache-Status"] in ("MISS", "BYPASS", "EXPIRED")
    # a reader with a session cookie goes past the cache
    status, headers, _ = _get(f"{behind_nginx}/en/", Cookie="session=abc")
    assert headers["X-Cache-Status"] == "BYPASS"


# --- backup and restore on PostgreSQL ------------------------------------------------------

@pytest.mark.skipif(not PG_URL, reason="BV_TEST_DATABASE_URL not set: PostgreSQL backup test skipped")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump not installed: backup test skipped")
def test_backup_and_restore_bring_back_articles_and_images(tmp_path):
    from flask_migrate import upgrade

    from bv import demo
    from bv.articles.models import ArticleTranslation

    admin_url = sa.engine.make_url(PG_URL)
    names = (f"bv_backup_src_{os.getpid()}", f"bv_backup_dst_{os.getpid()}")
    admin = sa.create_engine(admin_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        source_url = admin_url.set(database=names[0]).render_as_string(hide_password=False)
        target_url = admin_url.set(database=names[1]).render_as_string(hide_password=False)
        source = create_app(_config(tmp_path / "source", source_url))
        with source.app_context():
            upgrade()
            demo.load()
            with source.test_request_context():
                image = store_image(_photo())
                db.session.commit()
                name = f"{image.stem}-{image.widths[0]}.jpg"
            headlines = sorted(db.session.scalars(sa.select(ArticleTranslation.headline)))
            # the session's connection back to the pool first, or dispose() leaves it open
            db.session.remove()
            db.engine.dispose()
        env = {**os.environ, "BV_DATABASE_URL": source_url,
               "BV_UPLOAD_FOLDER": source.config["UPLOAD_FOLDER"]}
        done = subprocess.run([str(DEPLOY / "backup.sh"), str(tmp_path / "backups")], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        folder = Path(done.stdout.strip().splitlines()[-1])
        assert {p.name for p in folder.iterdir()} == {"database.dump", "uploads.tar.gz", "SHA256SUMS"}

        restored_uploads = tmp_path / "restored" / "uploads"
        env = {**os.environ, "BV_DATABASE_URL": target_url, "BV_UPLOAD_FOLDER": str(restored_uploads)}
        done = subprocess.run([str(DEPLOY / "restore.sh"), str(folder)], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

        target = create_app(_config(tmp_path / "restored", target_url,
                                    UPLOAD_FOLDER=str(restored_uploads)))
        with target.app_context():
            assert sorted(db.session.scalars(sa.select(ArticleTranslation.headline))) == headlines
            with target.test_client().get(f"/media/{name}") as served:
                assert served.status_code == 200
                assert served.data == (Path(source.config["UPLOAD_FOLDER"]) / name).read_bytes()
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
