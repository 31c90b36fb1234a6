"""GTIN normalisation and the GS1 mod-10 check digit, as the docs' GTIN guide gives them (C44-C46)."""

from __future__ import annotations

import re

from ..errors import ValidationFailed

LENGTHS = (8, 12, 13, 14)
# Spaces and dashes inside, whitespace around (the GTIN guide); a tab or newline inside is an error.
_STRIP = re.compile(r"[ -]+")
# Whitespace as the spec's patterns spell it (Unicode White_Space and ECMA-262's \s), not str.strip()'s
# own set, which adds U+001C-U+001F and leaves out U+FEFF: openapi.yaml's Gtin pattern says the same.
AROUND = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
SUGGESTION = "Provide a valid 8, 12, 13, or 14-digit GTIN."


def check_digit(first13: str) -> int:
    """The GS1 check digit for the first 13 digits of a 14-digit GTIN."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(first13))
    return (10 - total % 10) % 10


def normalise(raw: str) -> str:
    """Strip spaces and dashes (and surrounding whitespace), check length and check digit, and left-pad to 14 digits.

    :raise ValidationFailed: with ``param="gtin"`` and the documented message.
    """
    digits = _STRIP.sub("", raw.strip(AROUND))
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
