"""A documented check that meets a behaviour the docs allow one way and forbid the other.

Where the docs contradict themselves (section 11 of the docs notes), or say nothing (a method the API does
not have), a target may take either reading. A check then calls ``differs(...)``: the run reports the check
as ``differs`` (never failed) and names the contradiction, and the target's choice is visible in the claims
report instead of hidden in a pass.
"""

from __future__ import annotations

from typing import NoReturn

CONTRADICTIONS = {
    3: "a missing required field: 400 bad_request (error guide) or 422 validation_error (every example)",
    4: "pagination: page/perPage and limit/offset default to 20, the cursor form of GET /products to 25",
    6: "POST /v1/passports for a GTIN with no product: creates it (one call, Gen-2) or not_found (C49)",
    7: "GTIN-12: accepted (GTIN guide) or not (the products body table lists 8, 13 and 14)",
    9: "X-RateLimit headers: on every response (older text) or in a note (newer text)",
}


class Differs(Exception):
    """Raised by a check when the target takes a reading the docs allow but this project's spec did not."""


def differs(reason: str, contradiction: int | None = None) -> NoReturn:
    where = f"docs contradiction {contradiction} ({CONTRADICTIONS[contradiction]}): " if contradiction else ""
    raise Differs(where + reason)
