"""Label sheets to print for a warehouse: its bins, items, lots, totes, plates, open documents,
badges and the command barcodes, so that every flow can be tried with a real scanner."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from floor.accounts.models import Profile
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.scanning.parser import COMMANDS, Command
from floor.warehouse.barcodes import barcode_svg
from floor.warehouse.models import Location, Lot, Package, Product, Tote, Warehouse

_COMMAND_TITLES = {
    Command.DONE: _("Done"),
    Command.UNDO: _("Undo"),
    Command.SKIP: _("Skip"),
    Command.PROBLEM: _("Problem"),
    Command.QTY: _("Quantity"),
    Command.CANCEL: _("Cancel"),
    Command.EMPTY: _("Bin empty"),
}

# What a GS1 AI (10) or (21) may hold and Code 128 can draw; anything else gets no GS1 label.
_GS1_VALUE = re.compile(r"^[!-~]{1,20}$")


@dataclass(frozen=True)
class Label:
    code: str  # what the bars say
    symbology: str = "code128"
    text: str = ""  # the human-readable line under the bars; the code itself if empty
    caption: str = ""  # what it is, for the person sticking it on
    section: str = ""  # a heading over a run of labels

    @property
    def human(self) -> str:
        return self.text or self.code

    @property
    def svg(self) -> SafeString:
        return barcode_svg(self.symbology, self.code)


def gtin_label(gtin14: str, *, caption: str = "", section: str = "") -> Label:
    """A GTIN as its own symbol: EAN-13 (or EAN-8) when it is one, else GS1-128 with AI (01)."""
    if gtin14.startswith("000000"):
        return Label(gtin14[6:], "ean8", caption=caption, section=section)
    if gtin14.startswith("0"):
        return Label(gtin14[1:], "ean13", caption=caption, section=section)
    return Label(f"01{gtin14}", "gs1_128", text=f"(01){gtin14}", caption=caption, section=section)


def lot_label(lot: Lot, gtin14: str, *, section: str = "") -> Label | None:
    """A vendor-style GS1-128 label: GTIN, expiry (or best before) and lot, or GTIN and serial number. The
    variable-length AI goes last, so no separator is needed."""
    if not _GS1_VALUE.match(lot.name):
        return None
    product = lot.product
    if product.tracking == Product.Tracking.SERIAL:
        ais = [("01", gtin14), ("21", lot.name)]
        caption = _("%(sku)s · %(name)s · serial %(serial)s") % {
            "sku": product.sku,
            "name": product.name,
            "serial": lot.name,
        }
    else:
        ais = [("01", gtin14)]
        if lot.expiry_date:
            ais.append(("17", lot.expiry_date.strftime("%y%m%d")))
        elif lot.best_before:
            ais.append(("15", lot.best_before.strftime("%y%m%d")))
        ais.append(("10", lot.name))
        caption = _("%(sku)s · %(name)s · lot %(lot)s") % {"sku": product.sku, "name": product.name, "lot": lot.name}
    return Label(
        "".join(ai + value for ai, value in ais),
        "gs1_128",
        text=" ".join(f"({ai}){value}" for ai, value in ais),
        caption=caption,
        section=section,
    )


def _unit_gtin(product: Product) -> str | None:
    """The GTIN one unit carries (a case GTIN stands for several)."""
    gtins = sorted((b for b in product.barcodes.all() if b.is_gtin), key=lambda b: (b.quantity, b.code))
    return gtins[0].code if gtins else None


# --- Sheets: each lists its items (paginated as a whole), then turns a page of them into labels.


def _locations(warehouse: Warehouse | None):
    # The warehouse's fixed places first (dock, input…), then the bins in walking order.
    storage_last = Case(When(kind=Location.Kind.STORAGE, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        Location.objects.filter(warehouse=warehouse, barcode__isnull=False, active=True)
        .exclude(kind__in=[Location.Kind.VIEW, Location.Kind.TOTE])
        .select_related("parent")
        .order_by(storage_last, "aisle", "bay", "level", "name")
    )


def _location_labels(location: Location) -> list[Label]:
    if location.kind == Location.Kind.STORAGE:
        zone = location.parent.name if location.parent else ""
        return [Label(location.barcode, caption=zone, section=_("Aisle %(aisle)s") % {"aisle": location.aisle})]
    return [Label(location.barcode, caption=location.get_kind_display(), section=_("Warehouse locations"))]


def _products(warehouse: Warehouse | None):
    return Product.objects.filter(active=True).prefetch_related("barcodes").order_by("sku")


def _product_labels(product: Product) -> list[Label]:
    caption = f"{product.sku} · {product.name}"
    labels = []
    for barcode in sorted(product.barcodes.all(), key=lambda b: (b.quantity, b.code)):
        if barcode.is_gtin and len(barcode.code) == 14 and barcode.code.isdigit():
            if barcode.quantity != 1:
                caption_here = _("%(caption)s · case of %(quantity)s") % {
                    "caption": caption,
                    "quantity": barcode.quantity.normalize(),
                }
            else:
                caption_here = caption
            labels.append(gtin_label(barcode.code, caption=caption_here))
        elif not barcode.is_gtin:
            labels.append(Label(barcode.code, caption=caption))
    return labels


def _lots(warehouse: Warehouse | None):
    return (
        Lot.objects.filter(product__active=True, product__tracking__in=[Product.Tracking.LOT, Product.Tracking.SERIAL])
        .select_related("product")
        .prefetch_related("product__barcodes")
        .order_by("product__sku", "expiry_date", "name")
    )


def _lot_labels(lot: Lot) -> list[Label]:
    gtin = _unit_gtin(lot.product)
    label = lot_label(lot, gtin) if gtin else None
    return [label] if label else []


def _totes(warehouse: Warehouse | None):
    return Tote.objects.filter(warehouse=warehouse).order_by("barcode")


def _tote_labels(tote: Tote) -> list[Label]:
    return [Label(tote.barcode, caption=_("Tote"))]


def _packages(warehouse: Warehouse | None):
    return Package.objects.order_by("barcode")


def _package_labels(package: Package) -> list[Label]:
    if len(package.barcode) == 18 and package.barcode.isdigit():  # an SSCC, as a carrier reads it
        return [Label(f"00{package.barcode}", "gs1_128", text=f"(00){package.barcode}", caption=_("Carton"))]
    return [Label(package.barcode, caption=_("Licence plate"))]


def _badges(warehouse: Warehouse | None):
    return (
        Profile.objects.filter(warehouse=warehouse, badge__isnull=False, user__is_active=True)
        .exclude(badge="")
        .select_related("user")
        .order_by("badge")
    )


def _badge_labels(profile: Profile) -> list[Label]:
    return [Label(profile.badge, caption=profile.user.get_full_name() or profile.user.get_username())]


def _documents(warehouse: Warehouse | None) -> list[Label]:
    labels = []
    receipts = Receipt.objects.filter(warehouse=warehouse, state__in=[Receipt.State.OPEN, Receipt.State.RECEIVING])
    for receipt in receipts.order_by("reference"):
        labels.append(Label(receipt.reference, caption=receipt.vendor, section=_("Receipts")))
        if receipt.vendor_reference:
            caption = _("%(vendor)s · PO of %(receipt)s") % {"vendor": receipt.vendor, "receipt": receipt.reference}
            labels.append(Label(receipt.vendor_reference, caption=caption, section=_("Receipts")))
    orders = Order.objects.filter(warehouse=warehouse).exclude(state__in=[Order.State.SHIPPED, Order.State.CANCELLED])
    for order in orders.order_by("reference"):
        caption = " · ".join(part for part in (order.customer, order.carrier) if part)
        labels.append(Label(order.reference, caption=caption, section=_("Orders")))
    returns = Return.objects.filter(warehouse=warehouse).exclude(state=Return.State.DONE)
    for ret in returns.select_related("order").order_by("reference"):
        caption = " · ".join(part for part in (ret.customer, ret.order.reference if ret.order else "") if part)
        labels.append(Label(ret.reference, caption=caption, section=_("Returns")))
    # Parcels back with no RMA: opened on the inspect screen by the order or its tracking label.
    unannounced = Order.objects.filter(warehouse=warehouse, state=Order.State.SHIPPED).exclude(
        returns__state__in=[Return.State.EXPECTED, Return.State.INSPECTING, Return.State.DONE]
    )
    for order in unannounced.order_by("reference"):
        section = _("Parcels back without a return")
        labels.append(Label(order.reference, caption=order.customer, section=section))
        if order.tracking:
            caption = _("%(carrier)s tracking · %(order)s") % {"carrier": order.carrier, "order": order.reference}
            labels.append(Label(order.tracking, caption=caption, section=section))
    return labels


def _commands(warehouse: Warehouse | None) -> list[Label]:
    # The codes come from the parser, so the sheet prints exactly what it reads.
    return [Label(COMMANDS[command], caption=_COMMAND_TITLES[command]) for command in Command]


def _as_is(label: Label) -> list[Label]:
    return [label]


@dataclass(frozen=True)
class Sheet:
    slug: str
    title: str
    items: Callable[[Warehouse | None], Sequence]
    labels_of: Callable[[object], list[Label]]
    per_page: int = 60
    columns: int = 3  # across an A4 sheet; long GS1 labels take two, so they print at full size
    supervisor_only: bool = False  # badges sign people in

    def labels(self, items) -> list[Label]:
        return [label for item in items for label in self.labels_of(item)]


SHEETS = {
    sheet.slug: sheet
    for sheet in [
        Sheet("bins", _("Locations and bins"), _locations, _location_labels),
        Sheet("products", _("Products"), _products, _product_labels),
        Sheet("lots", _("Lots and serials (GS1-128)"), _lots, _lot_labels, columns=2),
        Sheet("totes", _("Totes"), _totes, _tote_labels),
        Sheet("plates", _("Licence plates"), _packages, _package_labels),
        Sheet("documents", _("Documents"), _documents, _as_is),
        Sheet("commands", _("Commands"), _commands, _as_is),
        Sheet("badges", _("Badges"), _badges, _badge_labels, supervisor_only=True),
    ]
}
