"""The GS1 mod-10 check digit, for GTIN-8/12/13/14 and SSCC."""


def check_digit(body: str) -> str:
    """The digit that completes `body`: weights 3, 1, 3… from the right."""
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return str(-total % 10)


def valid(digits: str) -> bool:
    """Whether the last digit of an all-digit code is its GS1 check digit."""
    return len(digits) > 1 and digits.isdigit() and check_digit(digits[:-1]) == digits[-1]
