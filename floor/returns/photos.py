"""Photos of a returned item, taken on the handheld while it waits for its grade: the state it came
back in, for the supervisor, the vendor or a dispute with the customer.

A photo is judged by its content, never by its name or the type the browser claims: Pillow opens
it as JPEG, PNG or WebP and checks it whole. What is stored is Floor's own copy — upright, scaled
down, re-encoded as JPEG under a random name — so nothing the phone wrote into the file (EXIF with
the GPS position, XMP, the ICC profile, comments) is kept or ever served."""

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import ExifTags, Image

from floor.errors import ScanRejected
from floor.returns import services
from floor.returns.models import Inspection, InspectionPhoto, InspectorPlace
from floor.warehouse.quantities import qty

FORMATS = ("JPEG", "PNG", "WEBP")
# What Pillow raises on a file that is not a whole picture in one of them (UnidentifiedImageError
# and a truncated file are OSErrors; a broken chunk can be any of the others).
UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, IndexError)
# EXIF orientation → the turn that shows the picture upright (as ImageOps.exif_transpose).
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
STORED_AS = "image/jpeg"
QUALITY = 85


@dataclass
class Picture:
    data: bytes
    width: int
    height: int


def take_photo(*, actor, warehouse, upload) -> InspectionPhoto:
    """Keep a photo of the item the inspector scanned and has not graded yet. The same photo sent
    twice (a double submit) is kept once: the photo kept the first time is the answer."""
    if upload is None:
        raise ScanRejected(_("Take a photo first"))
    most = settings.RETURN_PHOTO_MAX_BYTES
    sent = upload.read(most + 1)  # never more than that into memory, whatever came up
    if len(sent) > most:
        megabytes = qty((Decimal(most) / 2**20).quantize(Decimal("0.1")))
        raise ScanRejected(_("That photo is too big: %(mb)s MB at most") % {"mb": megabytes})
    picture = _reencoded(sent)  # before the lock: decoding takes a moment
    return _keep(actor=actor, warehouse=warehouse, picture=picture, digest=hashlib.sha256(sent).hexdigest())


@transaction.atomic
def _keep(*, actor, warehouse, picture: Picture, digest: str) -> InspectionPhoto:
    place = services.open_place(actor=actor, warehouse=warehouse, lock=True)
    if place.step != "grade":  # no item waiting for its grade (or a supervisor's approval is asked)
        raise ScanRejected(_("Scan an item first"))
    taken = InspectionPhoto.objects.filter(inspection=place.item_id)
    again = taken.filter(digest=digest).first()
    if again is not None:
        return again
    most = settings.RETURN_PHOTO_MAX_PER_ITEM
    if taken.count() >= most:
        raise ScanRejected(
            ngettext("%(n)s photo per item at most", "%(n)s photos per item at most", most) % {"n": most}
        )
    photo = InspectionPhoto(
        inspection=place.item,
        content_type=STORED_AS,
        size=len(picture.data),
        width=picture.width,
        height=picture.height,
        digest=digest,
        taken_by=actor,
    )
    photo.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(picture.data), save=False)
    photo.save()
    return photo


def _reencoded(sent: bytes) -> Picture:
    not_a_photo = ScanRejected(_("That is not a photo (JPEG, PNG or WebP)"))
    side = settings.RETURN_PHOTO_MAX_SIDE
    try:
        with Image.open(BytesIO(sent), formats=FORMATS) as probe:
            _not_too_many_pixels(*probe.size)
            probe.verify()
        # verify() leaves the image unusable: open it again to decode it.
        with Image.open(BytesIO(sent), formats=FORMATS) as image:
            image.draft("RGB", (side, side))  # a JPEG decodes straight at a fraction of its size
            upright = _upright(image)
            upright.thumbnail((side, side))
            clean = _picture_alone(upright)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except UNREADABLE:
        raise not_a_photo from None
    kept = BytesIO()
    clean.save(kept, "JPEG", quality=QUALITY, optimize=True)
    return Picture(kept.getvalue(), *clean.size)


def _upright(image: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says a camera held it. ImageOps.exif_transpose
    does the same turn, then writes the EXIF back without the orientation, and a damaged EXIF
    breaks that write (TypeError); the copy kept has no EXIF at all, so it is not written."""
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    turn = TURNS.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(turn) if turn is not None else image.copy()


def _not_too_many_pixels(width: int, height: int) -> None:
    # A small file can unpack into gigabytes: the size in its header is read before any pixel.
    if width * height > settings.RETURN_PHOTO_MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> ScanRejected:
    megapixels = settings.RETURN_PHOTO_MAX_PIXELS // 1_000_000
    return ScanRejected(_("That photo has too many pixels: %(mp)s megapixels at most") % {"mp": megapixels})


def _picture_alone(image: Image.Image) -> Image.Image:
    """The pixels on a fresh image, white where they were transparent: nothing else the file
    carried (image.info: EXIF, XMP, ICC profile, comments) comes along into the copy kept."""
    rgba = image.convert("RGBA")
    clean = Image.new("RGB", image.size, "white")
    clean.paste(rgba, mask=rgba)
    return clean


# --- The inspector's screen


def photograph(*, actor, warehouse, upload) -> services.Outcome:
    """take_photo, told on the inspector's screen."""
    photo = take_photo(actor=actor, warehouse=warehouse, upload=upload)
    item = Inspection.objects.select_related("product").get(pk=photo.inspection_id)
    n = item.photos.count()
    said = ngettext("%(n)s photo of %(sku)s: its grade?", "%(n)s photos of %(sku)s: its grade?", n)
    place = services.open_place(actor=actor, warehouse=warehouse)
    return services.Outcome(place, said % {"n": n, "sku": item.product.sku})


def photos_of(place: InspectorPlace) -> list[InspectionPhoto]:
    """The photos of the item waiting for its grade, first taken first."""
    if place.item_id is None:
        return []
    return list(InspectionPhoto.objects.filter(inspection=place.item_id).order_by("pk"))
