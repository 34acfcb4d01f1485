"""Lead images: phone JPEGs, EXIF rotation, transparency, decompression bombs."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image as PILImage

from bv.extensions import db
from bv.media import ImageRejected, store_image
from tests.test_newsroom_writing import _edit_form, _login

ORIENTATION = 0x0112
RED, BLUE = (220, 20, 20), (20, 20, 220)


def _halves(width, height) -> PILImage.Image:
    """Red on the left, blue on the right: shows which way an image was turned."""
    picture = PILImage.new("RGB", (width, height), RED)
    picture.paste(BLUE, (width // 2, 0, width, height))
    return picture


def _jpeg(picture, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=95, **options)
    return out.getvalue()


def _mpo(width=800, height=600) -> bytes:
    """A multi-picture JPEG as many phones write it (a second, smaller frame)."""
    out = io.BytesIO()
    second = PILImage.new("RGB", (width // 4, height // 4), BLUE)
    _halves(width, height).save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def _png_header_only(width, height) -> bytes:
    """A real, tiny PNG (1-bit, all black) that claims a huge pixel count."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _stored(app, image, width) -> PILImage.Image:
    folder = Path(app.config["UPLOAD_FOLDER"])
    stored = PILImage.open(folder / f"{image.stem}-{width}.{image.extension}")
    stored.load()
    return stored


def _near(pixel, color, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=False))


def _rejection(app, data) -> str:
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(ImageRejected) as caught:
            store_image(data)
        db.session.rollback()
        return str(caught.value.message)


def test_phone_mpo_jpeg_is_accepted_as_jpeg(app):
    data = _mpo()
    assert PILImage.open(io.BytesIO(data)).format == "MPO"
    with app.test_request_context():
        image = store_image(data)
        db.session.commit()
        assert image.extension == "jpg"
        assert (image.width, image.height) == (800, 600)
        stored = _stored(app, image, 800)
    assert stored.format == "JPEG" and stored.size == (800, 600)
    assert _near(stored.getpixel((100, 300)), RED) and _near(stored.getpixel((700, 300)), BLUE)


def test_exif_orientation_is_applied_before_resizing(app):
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to display"
    with app.test_request_context():
        image = store_image(_jpeg(_halves(1200, 600), exif=exif))
        db.session.commit()
        assert (image.width, image.height) == (600, 1200)
        assert image.widths == [480, 600]
        stored = _stored(app, image, 600)
        small = _stored(app, image, 480)
    assert stored.size == (600, 1200) and small.size == (480, 960)
    # turned clockwise: the left (red) half is now on top
    assert _near(stored.getpixel((300, 200)), RED) and _near(stored.getpixel((300, 1000)), BLUE)
    assert ORIENTATION not in stored.getexif()


def test_a_turned_photo_too_narrow_when_upright_is_refused(app):
    exif = PILImage.Exif()
    exif[ORIENTATION] = 8
    message = _rejection(app, _jpeg(_halves(900, 400), exif=exif))
    assert message == "The image must be at least 480 pixels wide."


def _transparent(mode) -> bytes:
    out = io.BytesIO()
    if mode == "P":
        picture = PILImage.new("P", (600, 400), 0)
        picture.putpalette([0, 0, 0, 200, 30, 30] + [0, 0, 0] * 254)
        picture.paste(1, (0, 0, 300, 400))
        picture.save(out, "PNG", transparency=0)
    elif mode == "RGB-trns":
        picture = PILImage.new("RGB", (600, 400), (0, 0, 0))
        picture.paste((200, 30, 30), (0, 0, 300, 400))
        picture.save(out, "PNG", transparency=(0, 0, 0))
    else:
        picture = PILImage.new("RGBA", (600, 400), (0, 0, 0, 0))
        picture.paste((200, 30, 30, 255), (0, 0, 300, 400))
        fmt = "WEBP" if mode == "WEBP" else "PNG"
        picture.convert(mode if mode in ("RGBA", "LA") else "RGBA").save(
            out, fmt, **({"lossless": True} if fmt == "WEBP" else {})
        )
    return out.getvalue()


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "RGB-trns", "WEBP"])
def test_transparent_pixels_become_white_not_black(app, mode):
    with app.test_request_context():
        image = store_image(_transparent(mode))
        db.session.commit()
        stored = _stored(app, image, 600)
    assert stored.mode == "RGB"
    assert _near(stored.getpixel((500, 200)), (255, 255, 255), 8), "the transparent half is white"
    assert not _near(stored.getpixel((100, 200)), (255, 255, 255), 60), "the opaque half keeps its colour"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (10_000, 10_000),  # past Pillow's warning threshold (about 89 megapixels)
        (20_000, 20_000),  # past its hard limit: DecompressionBombError
        (8_000, 6_000),  # below Pillow's limits, above ours
    ],
)
def test_huge_pixel_counts_get_the_pixel_message(app, width, height):
    message = _rejection(app, _png_header_only(width, height))
    assert message == "The image has too many pixels (the limit is 40 MP)."


def test_pixel_limit_comes_from_the_config(app):
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    rgb = PILImage.new("RGB", (1200, 900), (40, 90, 140))
    assert _rejection(app, _jpeg(rgb)) == "The image has too many pixels (the limit is 1 MP)."
    with app.test_request_context():
        store_image(_jpeg(rgb.resize((1000, 1000))))


def test_decompression_bomb_upload_is_a_form_error_not_a_500(app, staff, client, stories):
    _login(client, staff["editor"])
    client.post("/newsroom/account", data={"account-ui_locale": "en"})
    article_id = stories["other"]
    version = _edit_form(client, article_id, "sq")
    response = client.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={
            "version": version, "headline": "Buxheti", "lede": "L", "body": "B",
            "category": "0", "tags": "", "byline": "X", "image_alt": "", "image_caption": "",
            "slug": "", "note": "",
            "image": (io.BytesIO(_png_header_only(20_000, 20_000)), "bomb.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "The image has too many pixels (the limit is 40 MP)." in response.get_data(as_text=True)
