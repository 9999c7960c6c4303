"""An inspector photographs an item that came back, between its scan and the tap on its grade."""

import os
import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms

from floor.returns.models import Inspection, InspectionPhoto
from tests import factories
from tests.pages import page_text
from tests.returns.conftest import MUG, grade, post, scan
from tests.returns.factories import jpeg, photo_taken

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def waiting(floor, media):
    """The return open and a mug scanned: it waits for its grade."""
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    return floor


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def take(client, data: bytes, **named):
    return post(client, "photo", {"photo": upload(data, **named)})


def stored(photo: InspectionPhoto) -> bytes:
    with default_storage.open(photo.image.name) as kept:
        return kept.read()


def files_in(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def phone_photo() -> bytes:
    """A photo as a phone writes it: stored sideways (red on the left, blue on the right) with an
    EXIF orientation saying "turn it a quarter clockwise", the phone's make, where it was taken,
    a comment, XMP and an ICC profile."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste("red", (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 2.0)}  # GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = BytesIO()
    metadata = {"comment": b"home of the customer", "xmp": b"<x:xmpmeta>xmp</x:xmpmeta>", "icc_profile": icc}
    image.save(out, "JPEG", exif=exif.tobytes(), **metadata)
    return out.getvalue()


def photo_with_a_gps_version_as_text() -> bytes:
    """A sideways photo whose EXIF holds the GPS version as text, where the standard has four
    bytes: Pillow reads it, and fails to write that EXIF back (TypeError)."""
    ifd0 = struct.pack(">HHHIHHHHII", 2, 0x0112, 3, 1, 6, 0, 0x8825, 4, 1, 38) + struct.pack(">I", 0)
    gps = struct.pack(">HHHI4sI", 1, 0x0000, 2, 4, b"\0\0\0\x01", 0)  # tag 0, type ASCII
    exif = b"Exif\0\0MM\0*" + struct.pack(">I", 8) + ifd0 + gps
    out = BytesIO()
    Image.new("RGB", (40, 20), "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A black-and-white PNG of `width` × `height` pixels, all zeros: a few KB that unpack into
    one byte per eight pixels (and into far more once decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# --- What is kept


def test_a_phone_photo_is_kept_upright_and_without_its_exif_gps_or_other_metadata(waiting):
    answer = page_text(take(waiting.client, phone_photo(), name="IMG_0001.jpg"))
    assert "1 photo of MUG: its grade?" in answer
    photo = InspectionPhoto.objects.get()
    kept = stored(photo)
    image = Image.open(BytesIO(kept))
    assert image.format == "JPEG" and photo.content_type == "image/jpeg"
    assert not image.getexif() and not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    assert b"PhoneMaker" not in kept and b"home of the customer" not in kept and b"xmp" not in kept
    # Upright: a quarter turn clockwise puts the red half on top.
    assert image.size == (photo.width, photo.height) == (20, 40)
    top, bottom = image.convert("RGB").getpixel((10, 5)), image.convert("RGB").getpixel((10, 35))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]
    assert photo.size == len(kept)
    assert "IMG_0001" not in photo.image.name and photo.image.name.startswith("returns/photos/")
    assert photo.inspection.product == waiting.mug and photo.taken_by == waiting.person


def test_a_photo_with_a_damaged_exif_is_still_taken_upright(waiting):
    assert "1 photo of MUG" in page_text(take(waiting.client, photo_with_a_gps_version_as_text()))
    photo = InspectionPhoto.objects.get()
    assert (photo.width, photo.height) == (20, 40) and not Image.open(BytesIO(stored(photo))).getexif()


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_photos_are_taken(waiting, kind):
    image = Image.new("RGBA", (30, 30), (0, 128, 0, 255))
    out = BytesIO()
    image.save(out, kind)
    take(waiting.client, out.getvalue(), name=f"photo.{kind.lower()}", content_type=f"image/{kind.lower()}")
    photo = InspectionPhoto.objects.get()
    assert Image.open(BytesIO(stored(photo))).format == "JPEG" and photo.content_type == "image/jpeg"


def test_a_large_photo_is_scaled_down_to_the_longest_side_allowed(waiting, settings):
    settings.RETURN_PHOTO_MAX_SIDE = 100
    take(waiting.client, jpeg(size=(400, 300)))
    photo = InspectionPhoto.objects.get()
    assert (photo.width, photo.height) == (100, 75)


def test_the_screen_shows_the_photos_taken_and_the_grade_is_still_one_tap(waiting):
    take(waiting.client, jpeg("red"))
    answer = take(waiting.client, jpeg("blue")).content.decode()
    photo_urls = [reverse("returns:photo", args=[photo.pk]) for photo in InspectionPhoto.objects.order_by("pk")]
    assert all(f'src="{url}"' in answer for url in photo_urls)
    assert 'alt="Photo 2 of MUG"' in answer and 'capture="environment"' in answer
    assert "MUG A: Restock" in page_text(grade(waiting.client, "A"))
    item = Inspection.objects.get()
    assert item.grade == "A" and item.photos.count() == 2


def test_the_same_photo_sent_twice_is_kept_once(waiting, media):
    take(waiting.client, jpeg("red"))
    answer = page_text(take(waiting.client, jpeg("red")))
    assert "1 photo of MUG" in answer
    assert InspectionPhoto.objects.count() == 1 and len(files_in(media)) == 1


# --- What is refused, and nothing kept


def refused(answer, words: str, media) -> bool:
    text = page_text(answer)
    return (
        words in text and 'data-sound="error"' in text and not InspectionPhoto.objects.exists() and not files_in(media)
    )


def test_a_text_file_named_jpg_is_refused(waiting, media):
    answer = take(waiting.client, b"Dear customer service, the mug was broken.\n" * 20, name="photo.jpg")
    assert refused(answer, "That is not a photo (JPEG, PNG or WebP)", media)


def test_a_gif_is_refused_whatever_its_name(waiting, media):
    out = BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, "GIF")
    assert refused(take(waiting.client, out.getvalue()), "That is not a photo (JPEG, PNG or WebP)", media)


def test_a_cut_off_photo_is_refused(waiting, media):
    assert refused(take(waiting.client, phone_photo()[:-400]), "That is not a photo", media)


def test_a_photo_over_the_size_limit_is_refused(waiting, media, settings):
    settings.RETURN_PHOTO_MAX_BYTES = 2**20
    noise = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    out = BytesIO()
    noise.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 2**20
    assert refused(take(waiting.client, out.getvalue()), "That photo is too big: 1 MB at most", media)


def test_a_decompression_bomb_is_refused(waiting, media):
    bomb = png_bomb(15_000, 15_000)  # 225 million pixels in a few hundred KB
    assert len(bomb) < 2**20
    assert refused(take(waiting.client, bomb), "That photo has too many pixels: 50 megapixels at most", media)


def test_a_photo_over_the_pixel_limit_is_refused_before_it_is_decoded(waiting, media):
    assert refused(take(waiting.client, png_bomb(8_000, 8_000)), "too many pixels: 50 megapixels at most", media)


def test_a_seventh_photo_of_an_item_is_refused(waiting):
    for shade in range(6):
        take(waiting.client, jpeg((shade * 40, 0, 0)))
    answer = page_text(take(waiting.client, jpeg("white")))
    assert "6 photos per item at most" in answer and InspectionPhoto.objects.count() == 6


def test_the_photo_button_goes_once_an_item_has_all_its_photos(waiting, settings):
    settings.RETURN_PHOTO_MAX_PER_ITEM = 1
    answer = take(waiting.client, jpeg()).content.decode()
    assert 'type="file"' not in answer and 'alt="Photo 1 of MUG"' in answer


def test_a_photo_without_an_item_waiting_is_refused(floor, media):
    scan(floor.client, "WH/RET/00001")
    assert refused(take(floor.client, jpeg()), "Scan an item first", media)


def test_a_photo_after_the_grade_is_refused(waiting, media):
    grade(waiting.client, "A")
    assert refused(take(waiting.client, jpeg()), "Scan an item first", media)


def test_a_post_without_a_photo_is_refused(waiting):
    answer = page_text(post(waiting.client, "photo"))
    assert "Take a photo first" in answer and not InspectionPhoto.objects.exists()


def test_a_picker_cannot_take_or_see_photos(waiting, client):
    client.force_login(factories.user(roles=["picker"], wh=waiting.wh))
    assert take(client, jpeg()).status_code == 403
    kept = photo_taken(waiting.wh)
    assert client.get(reverse("returns:photo", args=[kept.pk])).status_code == 403


# --- Seeing a photo


def test_a_photo_is_streamed_as_it_was_kept_and_not_kept_in_shared_caches(waiting):
    take(waiting.client, phone_photo())
    photo = InspectionPhoto.objects.get()
    answer = waiting.client.get(reverse("returns:photo", args=[photo.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content) == stored(photo)
    assert answer["Cache-Control"].startswith("private")


def test_a_supervisor_of_the_warehouse_sees_the_photo(waiting, client):
    take(waiting.client, jpeg())
    client.force_login(factories.user(roles=["supervisor"], wh=waiting.wh))
    assert client.get(reverse("returns:photo", args=[InspectionPhoto.objects.get().pk])).status_code == 200


def test_a_photo_of_another_warehouse_is_not_found(waiting, media):
    elsewhere = photo_taken(factories.warehouse("W2"))
    assert waiting.client.get(reverse("returns:photo", args=[elsewhere.pk])).status_code == 404
