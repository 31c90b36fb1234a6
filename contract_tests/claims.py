"""The documented claims of the docs notes, those that cannot be checked over HTTP (with the reason), and the
texts of the markers that cite them: the one place the claim range is written."""

from __future__ import annotations

CLAIMS: dict[str, str] = {
    "C1": "Base URL is https://api.eulabel.eu/v1",
    "C2": "Bearer auth: Authorization: Bearer <key>",
    "C3": "Keys start with sk_live_ or sk_test_",
    "C4": "Keys are scoped per organisation and environment",
    "C5": "Scopes come from the documented list of eight",
    "C6": "Key management is session-only",
    "C7": "The session cookie is eulabel_session",
    "C8": "Sessions are WorkOS-backed with refresh-token rotation",
    "C9": "Missing or invalid key: 401",
    "C10": "Valid key without the scope: 403",
    "C11": "POST /v1/auth/api-keys {name, scopes} creates a key",
    "C12": "The full key is shown once, in the create response",
    "C13": "The list shows all active keys; revoked keys are absent",
    "C14": "Listed keys are masked: only the prefix is visible",
    "C15": "DELETE /v1/auth/api-keys/{id} revokes a key",
    "C16": "Revocation takes effect within seconds (then 401)",
    "C17": "Revoked keys cannot be restored",
    "C18": "Several keys can be active at once",
    "C19": "Rotation has no gap in access",
    "C20": "Keys can be created in the Dashboard",
    "C21": "JSON bodies with Content-Type application/json",
    "C22": "Timestamps are ISO 8601 UTC",
    "C23": "Product ids are UUIDs; passport ids ps_…",
    "C24": "Every error has the same documented structure",
    "C25": "Flat errors: status equals the HTTP status; error is a code",
    "C26": "Flat errors: suggestion only when available",
    "C27": "Error-code mapping per HTTP status",
    "C28": "Malformed JSON: 400",
    "C29": "Validation failure: 422 with param",
    "C30": "Create 201, read 200",
    "C31": "Versioned in the path; extra fields may appear",
    "C32": "Rate limits apply per API key",
    "C33": "Over the limit: 429 rate_limited",
    "C34": "X-RateLimit-Limit/Remaining/Reset headers",
    "C35": "Retry-After only on 429",
    "C36": "Clients retry only 429 and 5xx",
    "C37": "List envelope {data, pagination}, max 100 per page",
    "C38": "GET /products limit (max 100) and starting_after cursor",
    "C39": "POST /products needs products:write",
    "C40": "POST /products requires name, category (enum), gtin",
    "C41": "POST /products returns productId, qrCodeUrl, createdAt",
    "C42": "Duplicate GTIN: 409",
    "C43": "Missing gtin: 422 param gtin",
    "C44": "GTIN is 8, 12, 13 or 14 digits after stripping",
    "C45": "Wrong check digit: 422 with the documented message",
    "C46": "GTINs are stored as 14 digits",
    "C47": "products:read reads products and passports",
    "C48": "passports:write creates passports; passports:read reads them",
    "C49": "POST /passports for an unknown GTIN: 404 not_found",
    "C50": "Partial passport data: draft with compliance; complete: published",
    "C51": "Later passport calls merge fields",
    "C52": "Analytics window defaults",
    "C53": "Inbound webhook with a bad signature: 401",
    "C54": "Resolver answers with 307",
}

NOT_CHECKED: dict[str, str] = {
    "C8": "identity-provider internals; not visible over the API",
    "C20": "a Dashboard feature; not an API behaviour",
    "C36": "guidance for clients; nothing a server does",
    "C52": "no analytics endpoint in openapi.yaml",
    "C53": "no inbound-webhook endpoint in openapi.yaml",
    "C54": "the resolver is not under /v1",
}


def claim_range() -> str:
    """``C1..C54``: the first and last claim ids, as markers and messages show them."""
    ids = list(CLAIMS)
    return f"{ids[0]}..{ids[-1]}"


MARKERS = (
    f"claim(id): the documented claim ({claim_range()}) a check verifies",
    "assumption: checks a choice of this project's spec where the docs are silent",
    "mock_only: needs the mock (its control plane at /_mock); skipped against other targets",
    "destructive: creates or revokes things on the target (deselected by --read-only)",
    "differential: compares the target with the mock step by step; runs only with --differential",
)
