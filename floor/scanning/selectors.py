"""Reads for the lookup page: what a scanned code is, and the stock on it or of it."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from floor.accounts.models import Profile
from floor.ledger.models import Quant
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.scanning.parser import Kind, Scan
from floor.warehouse.models import Location, Package, Product, Tote

_DOCUMENTS = {
    "receipt": (Receipt, gettext_lazy("Receipt")),
    "order": (Order, gettext_lazy("Order")),
    "return": (Return, gettext_lazy("Return")),
}


def _on_hand(**filters):
    return (
        Quant.objects.filter(quantity__gt=0, **filters)
        .exclude(location__kind__in=Location.VIRTUAL_KINDS)
        .select_related("product", "lot", "package", "location")
        .order_by("location__aisle", "location__bay", "location__level", "location__name", "product__sku", "lot__name")
    )


def describe(scan: Scan, warehouse) -> dict:
    """The title, feedback and stock lines the page shows for one scan."""
    if scan.kind == Kind.COMMAND:
        return {"ok": _("Command barcode: %(command)s") % {"command": scan.command}}
    if scan.kind in (Kind.LOCATION, Kind.TOTE):
        if scan.kind == Kind.TOTE:
            tote = Tote.objects.select_related("location").get(pk=scan.tote_id)
            location, title = tote.location, _("Tote %(code)s") % {"code": tote.barcode}
        else:
            location = Location.objects.get(pk=scan.location_id)
            title = _("%(kind)s %(name)s") % {"kind": location.get_kind_display(), "name": location.name}
        return {"ok": title, "quants": _on_hand(location=location), "with_product": True}
    if scan.kind == Kind.PACKAGE or (scan.kind == Kind.GS1 and scan.package_id and not scan.product_id):
        package = Package.objects.get(pk=scan.package_id)
        return {
            "ok": _("Package %(code)s") % {"code": package.barcode},
            "quants": _on_hand(package=package),
            "with_product": True,
            "with_location": True,
        }
    if scan.kind in (Kind.PRODUCT, Kind.GS1):
        if scan.product_id is None:
            return {"warning": _("Unknown item — GTIN %(gtin)s") % {"gtin": scan.gtin or "—"}}
        product = Product.objects.get(pk=scan.product_id)
        places = _on_hand(product=product)
        if warehouse is not None:
            places = places.filter(location__warehouse=warehouse)
        places = list(places)
        return {
            "ok": str(product),
            "product": product,
            "quants": places,
            "with_location": True,
            "total": sum(q.quantity for q in places),
        }
    if scan.kind == Kind.DOCUMENT:
        model, label = _DOCUMENTS[scan.document.model]
        document = model.objects.annotate(line_count=Count("lines")).get(pk=scan.document.id)
        return {
            "ok": _("%(document)s %(reference)s") % {"document": label, "reference": document.reference},
            "document": document,
        }
    if scan.kind == Kind.BADGE:
        user = Profile.objects.select_related("user").get(badge=scan.badge).user
        return {"ok": user.get_full_name() or user.get_username()}
    raise AssertionError(f"lookup does not describe {scan.kind}")
