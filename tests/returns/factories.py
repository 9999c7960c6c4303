"""Orders shipped through the floor (picked into totes, delivered to the customer) with a
return announced for them, as the pull leaves one; photos of the items that came back."""

import itertools
import uuid
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from floor.picking.delivery import deliver_order
from floor.picking.models import Order
from floor.returns import photos, services
from floor.returns.models import InspectionPhoto, Return, ReturnLine
from floor.scanning.parser import parse
from tests import factories
from tests.packing.pack_factories import picked_order
from tests.picking.task_factories import Stop

_seq = itertools.count(1)


def shipped_order(wh, *lines, reference=None, odoo_id=None) -> Order:
    """An order shipped with `lines`: (product, quantity) or (product, quantity, lot), each
    picked from a bin of its own."""
    reference = reference or f"SO-{next(_seq):05d}"
    stops = [Stop(reference, factories.storage_bin(wh, aisle="R"), line[0], line[1], *line[2:]) for line in lines]
    built = picked_order(wh, stops)
    order = built.orders[reference]
    if odoo_id:
        Order.objects.filter(pk=order.pk).update(odoo_id=odoo_id)
        order.refresh_from_db()
    return deliver_order(order=order, actor=factories.user(roles=["picker"], wh=wh))


def announced_return(wh, order=None, *lines, reference=None, odoo_id=None, **fields) -> Return:
    """A return expected for `order`: `lines` are (product, quantity) or (product, quantity,
    Odoo move id)."""
    ret = Return.objects.create(
        warehouse=wh,
        reference=reference or f"WH/RET/{next(_seq):05d}",
        order=order,
        customer=order.customer if order else "Acme",
        odoo_id=odoo_id,
        **fields,
    )
    for product, quantity, *move in lines:
        ReturnLine.objects.create(
            ret=ret, product=product, expected=Decimal(quantity), odoo_move_id=move[0] if move else None
        )
    return ret


def jpeg(color="red", size=(40, 20), **saved) -> bytes:
    """A small JPEG as a phone's camera writes one (`saved`: exif=, comment=, quality=…)."""
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **saved)
    return out.getvalue()


def photo_taken(wh) -> InspectionPhoto:
    """A photo of an item of a return of `wh`, taken by its inspector while the item waited for
    its grade."""
    gtin = factories.gtin13(f"401{next(_seq):09d}")
    ret = announced_return(wh, None, (factories.product(gtin=gtin), 1))
    person = factories.user(roles=["inspector"], wh=wh)
    for code in (ret.reference, gtin):
        services.handle_scan(actor=person, warehouse=wh, scan=parse(code), key=str(uuid.uuid4()))
    upload = SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg")
    return photos.take_photo(actor=person, warehouse=wh, upload=upload)
