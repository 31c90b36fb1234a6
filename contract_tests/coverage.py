"""Which broken server proves each claim's checks catch a violation (the self-test keeps this in step).

The self-test (tests/test_contract_selftest.py) runs the suite against each named server and requires a
failing check that names the claim; it also fails when this table and its list of servers differ.
"""

from __future__ import annotations

CAUGHT: dict[str, tuple[str, ...]] = {
    "C1": ("served-under-another-base-path",),
    "C2": ("bearer-header-ignored",),
    "C3": (
        "keys-start-with-another-prefix",
        "live-prefix-on-test-keys",
    ),
    "C4": (
        "foreign-key-listed",
        "foreign-key-revocable",
        "product-visible-across-organisations",
    ),
    "C5": ("unknown-scope-accepted",),
    "C6": ("bearer-key-manages-keys",),
    "C7": ("session-under-any-cookie-name",),
    "C9": ("missing-key-403-on-one-operation",),
    "C10": (
        "scope-not-enforced",
        "scope-unchecked-on-one-operation",
    ),
    "C11": ("created-key-not-kept",),
    "C12": (
        "secret-reshown-on-revoke",
        "401-echoes-the-presented-key",
        "create-response-cacheable",
    ),
    "C13": ("revoked-key-listed",),
    "C14": (
        "secret-in-list",
        "mask-reveals-secret",
    ),
    "C15": ("revoke-not-served",),
    "C16": (
        "revoke-ignored",
        "revoked-key-accepted-after-window",
        "revoked-key-works-on-one-operation",
        "revoked-key-gets-403",
    ),
    "C17": ("revoke-restorable",),
    "C18": ("new-key-revokes-older-ones",),
    "C19": ("revoke-takes-newer-keys",),
    "C21": ("key-list-as-text",),
    "C22": ("timestamps-with-local-offset",),
    "C23": (
        "product-ids-not-uuids",
        "passport-ids-unprefixed",
    ),
    "C24": ("not-found-without-structure",),
    "C25": ("flat-status-mismatch",),
    "C26": ("empty-suggestion",),
    "C27": ("unknown-id-404-with-another-code",),
    "C28": ("bad-json-500",),
    "C29": ("validation-errors-as-400",),
    "C30": ("create-answers-200",),
    "C31": ("version-in-a-header",),
    "C32": ("limit-per-organisation",),
    "C33": ("429-with-another-code",),
    "C34": (
        "no-reset-header",
        "remaining-never-decreases",
    ),
    "C35": (
        "missing-retry-after-on-429",
        "retry-after-on-every-response",
    ),
    "C37": (
        "product-list-bare-array",
        "default-page-of-10",
        "page-size-not-capped",
    ),
    "C38": ("cursor-has-more-as-text",),
    "C39": ("products-write-unchecked",),
    "C40": ("category-not-validated",),
    "C41": ("no-qr-code-url",),
    "C42": ("duplicate-as-422",),
    "C43": ("missing-gtin-names-another-field",),
    "C44": ("gtin-separators-not-stripped",),
    "C45": ("vague-check-digit-message",),
    "C46": ("gtin-not-normalised",),
    "C47": ("products-read-cannot-read-passports",),
    "C48": ("passports-write-unchecked",),
    "C49": ("unknown-gtin-as-422",),
    "C50": ("partial-passport-published",),
    "C51": ("later-call-replaces-data",),
}
