"""Reads for the lookup page: what a scanned code is, and the stock on it or of it; and the name a
rejection gives what was scanned."""

from django.db.models import Count
from django.utils.translation import gettext as _

from floor.accounts.models import Profile
from floor.errors import ScanRejected
from floor.ledger.models import Quant
from floor.scanning import documents
from floor.scanning.parser import Kind, Scan, readable
from floor.warehouse.models import Location, Package, Product, Tote, Warehouse


def scanned_name(*, scan: Scan, warehouse_id: int) -> str:
    """What was scanned, as a rejection's "(scanned …)" says it: an item by its SKU, a location
    by its name, a tote, licence plate or document by what it is, rather than a barcode's digits
    the person cannot check against anything. The code as read when Floor knows it as none of
    these, or knows it in another warehouse (whose names are not said). A badge is never echoed.
    At most one query, asked only when a scan is refused."""
    if scan.kind in (Kind.PRODUCT, Kind.GS1) and scan.product_id is not None:
        # Items are the company's, not a warehouse's: any warehouse may say their SKU.
        sku = Product.objects.filter(pk=scan.product_id).values_list("sku", flat=True).first()
        if sku:
            return readable(sku)
    elif scan.kind == Kind.LOCATION:
        name = (
            Location.objects.filter(pk=scan.location_id, warehouse_id=warehouse_id)
            .values_list("name", flat=True)
            .first()
        )
        if name:
            return readable(name)
    elif scan.kind == Kind.TOTE:
        return _("tote %(code)s") % {"code": readable(scan.code)}
    elif scan.kind == Kind.PACKAGE:
        return _("licence plate %(plate)s") % {"plate": readable(scan.code)}
    elif scan.kind == Kind.DOCUMENT and (kind := documents.get(scan.document.model)) is not None:
        # Found by its vendor's reference, a receipt's own reference is another code: said only here.
        reference = (
            kind.model.objects.filter(pk=scan.document.id, warehouse_id=warehouse_id)
            .values_list("reference", flat=True)
            .first()
        )
        if reference:
            # "(scanned order OUT/00012)"
            return kind.named % {"reference": readable(reference)}
    elif scan.kind == Kind.BADGE:
        return _("a badge")
    return readable(scan.code)


def _on_hand(**filters):
    return (
        Quant.objects.filter(quantity__gt=0, **filters)
        .exclude(location__kind__in=Location.VIRTUAL_KINDS)
        .select_related("product", "lot", "package", "location")
        .order_by("location__aisle", "location__bay", "location__level", "location__name", "product__sku", "lot__name")
    )


def _elsewhere(scan: Scan) -> ScanRejected:
    return ScanRejected(_("%(code)s belongs to another warehouse") % {"code": readable(scan.code)})


def describe(*, scan: Scan, warehouse: Warehouse) -> dict:
    """The title, feedback and stock lines the page shows for one scan. Everything is read within
    the person's warehouse: the parser knows every warehouse's codes, so one of another warehouse
    is refused here, never described."""
    if scan.kind == Kind.COMMAND:
        return {"ok": _("Command barcode: %(command)s") % {"command": scan.command}}
    if scan.kind in (Kind.LOCATION, Kind.TOTE):
        if scan.kind == Kind.TOTE:
            tote = Tote.objects.select_related("location").filter(pk=scan.tote_id, warehouse=warehouse).first()
            if tote is None:
                raise _elsewhere(scan)
            location, title = tote.location, _("Tote %(code)s") % {"code": tote.barcode}
        else:
            location = Location.objects.filter(pk=scan.location_id, warehouse=warehouse).first()
            if location is None:
                raise _elsewhere(scan)
            title = _("%(kind)s %(name)s") % {"kind": location.get_kind_display(), "name": location.name}
        return {"ok": title, "quants": _on_hand(location=location), "with_product": True}
    if scan.kind == Kind.PACKAGE or (scan.kind == Kind.GS1 and scan.package_id and not scan.product_id):
        package = Package.objects.get(pk=scan.package_id)
        # A package belongs to no warehouse: it is where its stock is. An empty one is anybody's.
        stock = list(_on_hand(package=package))
        here = [q for q in stock if q.location.warehouse_id == warehouse.pk]
        if stock and not here:
            raise _elsewhere(scan)
        return {
            "ok": _("Package %(code)s") % {"code": package.barcode},
            "quants": here,
            "with_product": True,
            "with_location": True,
        }
    if scan.kind in (Kind.PRODUCT, Kind.GS1):
        if scan.product_id is None:
            return {"warning": _("Unknown item — GTIN %(gtin)s") % {"gtin": scan.gtin or "—"}}
        product = Product.objects.get(pk=scan.product_id)
        places = list(_on_hand(product=product, location__warehouse=warehouse))
        return {
            "ok": str(product),
            "product": product,
            "quants": places,
            "with_location": True,
            "total": sum(q.quantity for q in places),
        }
    if scan.kind == Kind.DOCUMENT:
        kind = documents.get(scan.document.model)
        document = (
            kind.model.objects.filter(pk=scan.document.id, warehouse=warehouse)
            .annotate(line_count=Count("lines"))
            .first()
        )
        if document is None:
            raise _elsewhere(scan)
        return {
            "ok": _("%(document)s %(reference)s") % {"document": kind.label, "reference": document.reference},
            "document": document,
        }
    if scan.kind == Kind.BADGE:
        profile = Profile.objects.select_related("user").filter(badge=scan.badge, warehouse=warehouse).first()
        if profile is None:
            raise _elsewhere(scan)
        user = profile.user
        return {"ok": user.get_full_name() or user.get_username()}
    raise AssertionError(f"lookup does not describe {scan.kind}")
