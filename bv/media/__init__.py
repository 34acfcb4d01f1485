"""Images (lead images and pictures in the text): validated with Pillow, stored in responsive
sizes through the storage interface (`storage.py`: instance/uploads, or an S3-compatible bucket)."""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    has_app_context,
    url_for,
)
from flask_babel import LazyString, format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bv.articles import rendering
from bv.articles.models import Image
from bv.extensions import db
from bv.media import storage as media_storage

if TYPE_CHECKING:
    from PIL import Image as PILImage

# phones write multi-picture JPEGs, which Pillow calls MPO; we keep the first picture
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
WIDTHS = (480, 960, 1600)
MIN_WIDTH = 480
MAX_PIXELS = 40_000_000
TRANSPARENT_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}

bp = Blueprint("media", __name__)


class ImageRejected(Exception):
    """A lead image we will not store; message is localized for the editor."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def max_image_bytes() -> int:
    """The largest lead image accepted (MAX_IMAGE_BYTES, 12 MB by default)."""
    return int(current_app.config.get("MAX_IMAGE_BYTES", 12 * 1024 * 1024))


def max_image_pixels() -> int:
    """The most pixels a lead image may have (MAX_IMAGE_PIXELS, 40 megapixels by default)."""
    return int(current_app.config.get("MAX_IMAGE_PIXELS", MAX_PIXELS))


def _too_many_pixels(limit: int) -> ImageRejected:
    return ImageRejected(
        _l(
            "The image has too many pixels (the limit is %(limit)s MP).",
            limit=LazyString(lambda: format_decimal(limit / 1_000_000, format="#,##0.#")),
        )
    )


def content_stem(data: bytes) -> str:
    """An image's name: the SHA-256 of the upload (128 bits), so a name never changes meaning
    and its files may be cached as immutable; the same upload twice is stored once."""
    return hashlib.sha256(data).hexdigest()[:32]


def store_image(data: bytes) -> Image:
    """Validate an upload and write its responsive sizes; adds the Image row (caller commits),
    or returns the stored one when the same file was uploaded before."""
    limit = max_image_bytes()
    if len(data) > limit:
        raise ImageRejected(
            _l(
                "The image is larger than %(size)s MB.",
                size=LazyString(lambda: format_decimal(limit / 1048576, format="#,##0.#")),
            )
        )
    picture = _upright(_decode(data))
    if picture.width < MIN_WIDTH:
        raise ImageRejected(_l("The image must be at least 480 pixels wide."))
    stem = content_stem(data)
    stored = db.session.scalar(select(Image).where(Image.stem == stem))
    if stored is not None and _files_exist(stored):
        return stored
    image = _write_sizes(picture, stem)
    if stored is not None:
        # the row outlived its files (uploads restored apart from the database): files
        # written again under the same name, the row kept
        return stored
    db.session.add(image)
    return image


def _files_exist(image: Image) -> bool:
    store = media_storage.storage()
    try:
        return all(store.exists(f"{image.stem}-{w}.{image.extension}") for w in image.widths)
    except media_storage.StorageError:
        return False  # write them again: the write then says whether the storage is away


def _decode(data: bytes) -> PILImage.Image:
    """The first picture of an accepted, readable upload, loaded; ImageRejected otherwise."""
    # Pillow only where pictures are made: a reading worker never loads it
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    pixel_limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own limit: both mean "too many pixels" here
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            probe = PILImage.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageRejected(_l("Upload a JPEG, PNG or WebP image."))
            # the header is enough to count pixels: refuse before decoding anything
            if probe.width * probe.height > pixel_limit:
                raise _too_many_pixels(pixel_limit)
            probe.verify()
            picture = PILImage.open(io.BytesIO(data))
            picture.load()
    except ImageRejected:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels(pixel_limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_l("This file is not an image we can read.")) from None
    return picture


def _upright(picture: PILImage.Image) -> PILImage.Image:
    """Turn the picture the way its EXIF Orientation says, so sizes are measured upright."""
    from PIL import ImageOps

    try:
        ImageOps.exif_transpose(picture, in_place=True)
    except Exception:  # a damaged EXIF block must not cost the photo
        current_app.logger.warning("lead image: unreadable EXIF orientation ignored")
    return picture


def _flattened(picture: PILImage.Image) -> PILImage.Image:
    """RGB for JPEG output; transparent areas become white, as on the page, not black."""
    from PIL import Image as PILImage

    if picture.mode in TRANSPARENT_MODES or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        canvas = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB")
    return picture.convert("RGB")


def _write_sizes(picture: PILImage.Image, stem: str) -> Image:
    """Write every size under the stem; returns the Image row, not yet added."""
    from PIL import Image as PILImage

    # every size is a JPEG (small, and read everywhere, social cards included),
    # so transparency is flattened onto white rather than kept
    store = media_storage.storage()
    # phone photos are often Display P3: keep the colour profile, or colours go dull
    icc_profile = picture.info.get("icc_profile")
    picture = _flattened(picture)
    widths = [w for w in WIDTHS if w < picture.width] + [min(picture.width, WIDTHS[-1])]
    widths = sorted(set(widths))
    for width in widths:
        height = round(picture.height * width / picture.width)
        resized = picture.resize((width, height), PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(
            out,
            "JPEG",
            quality=82,
            optimize=True,
            progressive=True,
            icc_profile=icc_profile,
        )
        try:
            store.save(f"{stem}-{width}.jpg", out.getvalue(), "image/jpeg")
        except media_storage.StorageError:
            current_app.logger.exception("media: could not store %s-%s.jpg", stem, width)
            raise ImageRejected(
                _l("The image could not be stored just now. Please try again in a minute.")
            ) from None
    largest = widths[-1]
    image = Image(
        stem=stem,
        extension="jpg",
        width=largest,
        height=round(picture.height * largest / picture.width),
        widths=widths,
    )
    return image


def _best_width(image: Image, wanted: int) -> int:
    fitting = [w for w in image.widths if w >= wanted]
    return fitting[0] if fitting else image.widths[-1]


def _media_prefix() -> str:
    # one url_for per request instead of one per image size: listings show many images
    prefix = g.get("media_prefix")
    if prefix is None:
        prefix = g.media_prefix = url_for("media.file", name="x")[:-1]
    return prefix


def image_src(image: Image, wanted: int = 960) -> str:
    """The URL of the smallest stored size at least `wanted` pixels wide."""
    width = _best_width(image, wanted)
    return f"{_media_prefix()}{image.stem}-{width}.{image.extension}"


def image_srcset(image: Image) -> str:
    """A srcset listing every stored size."""
    prefix = _media_prefix()
    return ", ".join(f"{prefix}{image.stem}-{w}.{image.extension} {w}w" for w in image.widths)


def stored_prefix() -> str:
    """The media route's path prefix, the same in a request, a CLI command or a job.

    Body HTML is rendered once at save time (often with no request, as in an import), so its
    picture addresses are built from the app's URL map rather than from the current request.
    """
    adapter = current_app.url_map.bind(
        "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/"
    )
    return adapter.build("media.file", {"name": "x"})[:-1]


def picture_for(stem: str) -> rendering.Picture | None:
    """A stored image by stem, with the addresses a body figure needs; None when unknown."""
    if not has_app_context():  # no database to ask: render the picture as its alt text
        return None
    image = db.session.scalar(select(Image).where(Image.stem == stem))
    if image is None or not image.widths:
        return None
    prefix = stored_prefix()
    width = _best_width(image, 960)
    return rendering.Picture(
        src=f"{prefix}{image.stem}-{width}.{image.extension}",
        srcset=", ".join(f"{prefix}{image.stem}-{w}.{image.extension} {w}w" for w in image.widths),
        width=image.width,
        height=image.height,
        prefix=prefix,
    )


def picture_snippet(image: Image, *, alt: str = "", caption: str = "") -> str:
    """The Markdown that shows a stored image as a figure in an article body."""
    return rendering.picture_markdown(image.stem, alt=alt, caption=caption)


@bp.get("/media/<name>")
def file(name: str):
    """Serve a stored size; names are content-unique, so they may be cached for a year."""
    if "/" in name or "\\" in name or name.startswith("."):
        abort(404)
    return media_storage.storage().response(name)


def init_app(app: Flask) -> None:
    """Register the media route and template helpers."""
    app.extensions["bv.media.storage"] = media_storage.build(app)
    app.register_blueprint(bp)
    rendering.register_picture_finder(picture_for)
    app.jinja_env.globals["image_src"] = image_src
    app.jinja_env.globals["image_srcset"] = image_srcset
