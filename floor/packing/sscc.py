"""SSCCs for cartons: extension digit, GS1 company prefix, serial reference, check digit.

The serial reference is the carton's primary key, so an SSCC is never handed out twice and needs
no counter of its own. The company prefix (7–10 digits) leaves 9–6 digits for it.
"""

from django.conf import settings

from floor.warehouse.gtin import check_digit, valid

LENGTH = 18


def build(serial: int, *, prefix: str, extension: int) -> str:
    """The SSCC of one serial reference under a company prefix."""
    if not (isinstance(prefix, str) and prefix.isascii() and prefix.isdigit() and 7 <= len(prefix) <= 10):
        raise ValueError(f"GS1_COMPANY_PREFIX must be 7 to 10 digits, as GS1 issued it (got {prefix!r})")
    if not (isinstance(extension, int) and 0 <= extension <= 9):
        raise ValueError(f"SSCC_EXTENSION_DIGIT must be one digit, 0 to 9 (got {extension!r})")
    room = LENGTH - 2 - len(prefix)  # 18 digits less the extension, the prefix and the check digit
    if serial < 0 or len(str(serial)) > room:
        raise ValueError(
            f"Serial reference {serial} does not fit the {room} digits the company prefix {prefix} leaves: "
            "a longer prefix leaves fewer"
        )
    body = f"{extension}{prefix}{serial:0{room}d}"
    return body + check_digit(body)


def for_carton(carton) -> str:
    """The carton's SSCC, from its primary key and the company prefix in settings."""
    if carton.pk is None:
        raise ValueError("A carton gets its SSCC once it is saved (the SSCC is built from its id)")
    return build(carton.pk, prefix=settings.GS1_COMPANY_PREFIX, extension=settings.SSCC_EXTENSION_DIGIT)


def is_valid(sscc: str) -> bool:
    """18 digits ending in their GS1 check digit."""
    return isinstance(sscc, str) and len(sscc) == LENGTH and sscc.isascii() and valid(sscc)
