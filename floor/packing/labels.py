"""What a carton's shipping label says: one source for the printer's ZPL and the preview page."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CartonLabel:
    ship_from: str
    ship_to: str
    carrier: str
    reference: str
    number: int
    count: int
    weight_kg: Decimal | None
    sscc: str | None

    @property
    def element_string(self) -> str:
        """What the GS1-128 symbol holds: AI (00) and the SSCC."""
        return f"00{self.sscc}"

    @property
    def human_sscc(self) -> str:
        return f"(00) {self.sscc}"


def carton_label_content(carton, *, total: int | None = None) -> CartonLabel:
    """The label of a carton. `total` is the order's number of cartons when the caller knows it
    (the last carton closed); otherwise the cartons the order has so far, so the first carton of
    an order still being packed reads "1 of 1", and a reprint after packing reads the total."""
    order = carton.order
    count = total if total is not None else order.cartons.count()
    return CartonLabel(
        ship_from=order.warehouse.name,
        ship_to=order.customer,
        carrier=order.carrier,
        reference=order.reference,
        number=carton.number,
        count=max(count, carton.number),
        weight_kg=carton.weight_kg,
        sscc=carton.sscc,
    )
