from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from floor.ledger.models import Move, Quant


def ledger_differences() -> list[dict]:
    """Every stock key where the quant differs from the sum of the ledger's moves (empty when exact)."""
    expected: dict[tuple, Decimal] = defaultdict(Decimal)
    incoming = Move.objects.values("to_location", "product", "lot", "to_package").annotate(qty=Sum("quantity"))
    for row in incoming.order_by():
        expected[(row["to_location"], row["product"], row["lot"], row["to_package"])] += row["qty"]
    outgoing = Move.objects.values("from_location", "product", "lot", "package").annotate(qty=Sum("quantity"))
    for row in outgoing.order_by():
        expected[(row["from_location"], row["product"], row["lot"], row["package"])] -= row["qty"]
    actual = {
        (q["location"], q["product"], q["lot"], q["package"]): q["quantity"]
        for q in Quant.objects.values("location", "product", "lot", "package", "quantity")
    }
    differences = []
    for stock_key in expected.keys() | actual.keys():
        want, have = expected.get(stock_key, Decimal(0)), actual.get(stock_key, Decimal(0))
        if want != have:
            location, product, lot, package = stock_key
            differences.append(
                {
                    "location": location,
                    "product": product,
                    "lot": lot,
                    "package": package,
                    "moves_say": want,
                    "quant_says": have,
                }
            )
    return differences
