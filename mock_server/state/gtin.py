"""GTIN normalisation and the GS1 mod-10 check digit, as the docs' GTIN guide gives them (C44-C46)."""

from __future__ import annotations

import re

from ..errors import ValidationFailed

LENGTHS = (8, 12, 13, 14)
# Spaces and dashes inside, any whitespace around (the GTIN guide); a tab or newline inside is an error.
_STRIP = re.compile(r"[ -]+")
SUGGESTION = "Provide a valid 8, 12, 13, or 14-digit GTIN."


def check_digit(first13: str) -> int:
    """The GS1 check digit for the first 13 digits of a 14-digit GTIN."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(first13))
    return (10 - total % 10) % 10


def normalise(raw: str) -> str:
    """Strip spaces and dashes (and surrounding whitespace), check length and check digit, and left-pad to 14 digits.

    :raise ValidationFailed: with ``param="gtin"`` and the documented message.
    """
    digits = _STRIP.sub("", raw.strip())
    if not digits.isascii() or not digits.isdigit() or len(digits) not in LENGTHS:
        raise ValidationFailed("GTIN must be 8, 12, 13 or 14 digits.", param="gtin", suggestion=SUGGESTION)
    padded = digits.zfill(14)
    expected, got = check_digit(padded[:13]), int(padded[13])
    if expected != got:
        raise ValidationFailed(
            f"GTIN check digit is invalid. Expected {expected}, got {got}.",
            param="gtin",
            suggestion="Verify the GTIN using the GS1 check digit algorithm.",
        )
    return padded
