"""What openapi.yaml cannot say about a GTIN, for schemathesis' own CLI (``st run``): the check digit.

The spec's ``Gtin`` pattern admits 8, 12, 13 or 14 digits among spaces and dashes, but only one
last digit in ten is the GS1 mod-10 check digit the API demands (C45); any other is a 422 that
schemathesis would report as a valid request rejected. The schema names the rule ``format: gtin``;
this module gives schemathesis a generator for it, so every GTIN it makes up has the right digit
(the coverage and example phases take theirs from the spec's examples, which have it too).
Standalone on purpose: it needs schemathesis and nothing else.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st

LENGTHS = (8, 12, 13, 14)


def check_digit(digits: str) -> int:
    """The GS1 check digit for the digits of a GTIN that come before it."""
    padded = digits.rjust(13, "0")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(padded))
    return (10 - total % 10) % 10


@st.composite
def gtins(draw: st.DrawFn) -> str:
    """A valid GTIN, now and then written with the spaces or dashes the API strips."""
    length = draw(st.sampled_from(LENGTHS))
    body = draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    digits = body + str(check_digit(body))
    separator = draw(st.sampled_from(["", "", " ", "-"]))
    if not separator:
        return digits
    cut = draw(st.integers(1, length - 1))
    return digits[:cut] + separator + digits[cut:]


schemathesis.openapi.format("gtin", gtins())
