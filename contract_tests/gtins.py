"""Valid GTINs for tests (GS1 mod-10 check digit, as the GTIN guide documents; C44-C46)."""

from __future__ import annotations

import random

_rng = random.SystemRandom()


def check_digit(body: str) -> int:
    """The check digit for the GTIN whose other digits are ``body``."""
    padded = body.rjust(13, "0")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(padded))
    return (10 - total % 10) % 10


def make(length: int = 13) -> str:
    """A random valid GTIN of ``length`` digits (8, 12, 13 or 14)."""
    body = str(_rng.randint(1, 9)) + "".join(str(_rng.randint(0, 9)) for _ in range(length - 2))
    return body + str(check_digit(body))


def wrong_check_digit(gtin: str) -> tuple[str, int, int]:
    """``gtin`` with a wrong last digit, the expected digit and the one given."""
    expected = int(gtin[-1])
    given = (expected + 5) % 10
    return gtin[:-1] + str(given), expected, given


def gtin14(gtin: str) -> str:
    return "".join(c for c in gtin if c.isdigit()).rjust(14, "0")
