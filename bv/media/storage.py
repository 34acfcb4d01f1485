"""Where image files live: the instance's uploads folder, or an S3-compatible bucket.

Every web and worker machine must see the same files. One machine (or several sharing a
network disk mounted at `UPLOAD_FOLDER`) uses the local storage; machines without a shared
disk set `BV_MEDIA_STORAGE=s3` and a bucket (AWS S3, MinIO, Ceph, Garage...). Names are
content-unique (a new upload gets a new stem), so objects are written once and never changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Flask, Response, abort, current_app, request

# names are written once and never change: browsers and proxies may keep them for a year
IMMUTABLE = "public, max-age=31536000, immutable"


class StorageError(Exception):
    """The storage could not be reached or refused the write."""


class Storage(Protocol):
    def save(self, name: str, data: bytes, content_type: str) -> None: ...

    def read(self, name: str) -> bytes | None: ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None: ...

    def response(self, name: str) -> Response: ...


def _safe(name: str) -> str:
    # names come from our own stems, but the media route passes a URL part: refuse paths
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a stored file name: {name!r}")
    return name


@dataclass
class LocalStorage:
    """A folder on this machine (or a shared network disk mounted on every machine)."""

    folder: Path

    def save(self, name: str, data: bytes, content_type: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / _safe(name)
        # write aside, then rename: a reader never sees half a file
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        partial.replace(target)

    def read(self, name: str) -> bytes | None:
        path = self.folder / _safe(name)
        return path.read_bytes() if path.is_file() else None

    def exists(self, name: str) -> bool:
        return (self.folder / _safe(name)).is_file()

    def delete(self, name: str) -> None:
        (self.folder / _safe(name)).unlink(missing_ok=True)

    def response(self, name: str) -> Response:
        # read whole (a few hundred KB at most; nginx serves these in production): a file
        # handed to the server stays open when a reader's browser drops the connection
        try:
            data = self.read(name)
        except ValueError:
            abort(404)
        if data is None:
            abort(404)
        response = Response(data, mimetype=_mimetype(name))
        response.headers["Cache-Control"] = IMMUTABLE
        response.add_etag()
        return response.make_conditional(request)


class S3Storage:
    """An S3-compatible bucket, through boto3; the app streams objects to readers itself, so
    the bucket stays private and nginx (or a CDN the newsroom chooses) caches the answers."""

    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key: str | None = None,
                 secret_key: str | None = None, timeout: float = 10.0):
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise StorageError(
                "BV_MEDIA_STORAGE=s3 needs boto3: pip install 'bv[s3]'"
            ) from exc
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 3, "mode": "standard"},
                # path-style works with MinIO and most self-hosted servers as well as AWS
                s3={"addressing_style": "path"},
            ),
        )

    def _key(self, name: str) -> str:
        return self.prefix + _safe(name)

    def save(self, name: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(name), Body=data,
                ContentType=content_type, CacheControl=IMMUTABLE,
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def read(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc
        return answer["Body"].read()

    def exists(self, name: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc
        return True

    def delete(self, name: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def response(self, name: str) -> Response:
        try:
            data = self.read(name)
        except StorageError:
            current_app.logger.warning("media: object storage unreachable for %s", name)
            abort(503)
        if data is None:
            abort(404)
        response = Response(data, mimetype=_mimetype(name))
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def _mimetype(name: str) -> str:
    return {
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    }.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def build(app: Flask) -> Storage:
    """The storage the configuration names; an unknown name stops the app at start."""
    kind = (app.config.get("MEDIA_STORAGE") or "local").lower()
    if kind == "local":
        return LocalStorage(Path(app.config["UPLOAD_FOLDER"]))
    if kind == "s3":
        if not app.config.get("S3_BUCKET"):
            raise StorageError("BV_MEDIA_STORAGE=s3 needs BV_S3_BUCKET")
        return S3Storage(
            bucket=app.config["S3_BUCKET"],
            prefix=app.config.get("S3_PREFIX") or "",
            endpoint_url=app.config.get("S3_ENDPOINT_URL"),
            region=app.config.get("S3_REGION"),
            access_key=app.config.get("S3_ACCESS_KEY_ID"),
            secret_key=app.config.get("S3_SECRET_ACCESS_KEY"),
            timeout=float(app.config.get("S3_TIMEOUT") or 10),
        )
    raise StorageError(f"BV_MEDIA_STORAGE must be 'local' or 's3', not {kind!r}")


def storage() -> Storage:
    """This app's storage."""
    return current_app.extensions["bv.media.storage"]
