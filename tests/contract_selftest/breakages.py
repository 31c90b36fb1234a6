"""One broken server per checkable claim: each breaks that claim only, and a check naming it must fail.

``contract_tests.coverage.CAUGHT`` (the coverage column of the claims report) must list exactly these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from mock_server import create_app

from . import broken_data as d
from . import broken_errors as e
from . import broken_formats as f
from . import broken_keys as k


@dataclass(frozen=True)
class Breakage:
    name: str
    claim: str
    files: tuple[str, ...]
    build: Callable[[Flask], Any]
    config: tuple[tuple[str, Any], ...] = ()
    extra_args: tuple[str, ...] = ()

    def make(self) -> Any:
        """The broken server, built in the calling thread (see ``runner``)."""
        return self.build(create_app(dict(self.config)))


K, E, R = "test_claims_keys.py", "test_claims_auth_errors.py", "test_claims_rate_limits.py"
P, M, S = "test_claims_products.py", "test_claims_auth_matrix.py", "test_claims_passports.py"
V, G = "test_claims_revocation.py", "test_claims_pagination.py"
BURST = ("--rate-limit-burst", "20")


def _same(app: Flask) -> Any:
    return app


BREAKAGES = [
    Breakage("served-under-another-base-path", "C1", (E,), e.ServedUnderAnotherBase),
    Breakage("bearer-header-ignored", "C2", (E,), e.BearerHeaderIgnored),
    Breakage("keys-start-with-another-prefix", "C3", (K,), f.OtherKeyPrefix, extra_args=("-k", "prefix")),
    Breakage("live-prefix-on-test-keys", "C3", (K,), f.LivePrefixOnTestKeys, extra_args=("-k", "environment")),
    Breakage("foreign-key-listed", "C4", (K,), k.ForeignKeysListed, extra_args=("-k", "organisation")),
    Breakage("foreign-key-revocable", "C4", (K,), k.ForeignKeyRevocable, extra_args=("-k", "organisation")),
    Breakage("product-visible-across-organisations", "C4", (M,), d.ProductVisibleAcrossOrganisations),
    Breakage("unknown-scope-accepted", "C5", (K,), k.UnknownScopeAccepted, extra_args=("-k", "scope")),
    Breakage("bearer-key-manages-keys", "C6", (K,), k.BearerManagesKeys, extra_args=("-k", "bearer")),
    Breakage("session-under-any-cookie-name", "C7", (K,), k.AnyCookieName, extra_args=("-k", "cookie")),
    Breakage("missing-key-403-on-one-operation", "C9", (M,), e.MissingKey403OnOneOperation),
    Breakage("scope-not-enforced", "C10", (E,), e.ScopeNotEnforced),
    Breakage("scope-unchecked-on-one-operation", "C10", (M,), e.ScopeUncheckedOnOneOperation),
    Breakage("created-key-not-kept", "C11", (K,), k.CreatedKeyNotKept, extra_args=("-k", "201")),
    Breakage("secret-reshown-on-revoke", "C12", (V,), k.SecretOnRevoke, extra_args=("-k", "secret")),
    Breakage("401-echoes-the-presented-key", "C12", (E,), f.UnauthorizedEchoesKey, extra_args=("-k", "echoes")),
    Breakage("create-response-cacheable", "C12", (K,), k.CreateCacheable, extra_args=("-k", "cacheable")),
    Breakage("revoked-key-listed", "C13", (V,), k.RevokedStillListed, extra_args=("-k", "list_holds")),
    Breakage("secret-in-list", "C14", (K,), k.SecretInList, extra_args=("-k", "masked")),
    Breakage("mask-reveals-secret", "C14", (K,), k.MaskRevealsSecret, extra_args=("-k", "masked")),
    Breakage("revoke-not-served", "C15", (V,), k.RevokeNotServed, extra_args=("-k", "list_holds")),
    Breakage("revoke-ignored", "C16", (V,), k.RevokeIgnored, extra_args=("-k", "within_the_window")),
    Breakage(
        "revoked-key-accepted-after-window",
        "C16",
        (V,),
        _same,
        (("REVOCATION_DELAY", 3600),),
        ("-k", "within_the_window"),
    ),
    Breakage("revoked-key-works-on-one-operation", "C16", (M,), k.RevokedWorksOnOneOperation),
    Breakage("revoked-key-gets-403", "C16", (V,), k.RevokedKeyGets403, extra_args=("-k", "within_the_window")),
    Breakage("revoke-restorable", "C17", (V,), k.RestoredOnSecondRevoke, extra_args=("-k", "restored")),
    Breakage("new-key-revokes-older-ones", "C18", (K,), k.NewKeyRevokesOlder, extra_args=("-k", "same_time")),
    Breakage("revoke-takes-newer-keys", "C19", (V,), k.RevokeTakesNewerKeys, extra_args=("-k", "rotation")),
    Breakage("key-list-as-text", "C21", (E,), f.ListAsText, extra_args=("-k", "json")),
    Breakage("timestamps-with-local-offset", "C22", (E,), f.LocalTimestamps, extra_args=("-k", "timestamps")),
    Breakage("product-ids-not-uuids", "C23", (P,), d.ProductIdsNotUuid, extra_args=("-k", "uuid")),
    Breakage("passport-ids-unprefixed", "C23", (S,), d.PassportIdsUnprefixed, extra_args=("-k", "partial")),
    Breakage("not-found-without-structure", "C24", (E,), e.NotFoundWithoutStructure),
    Breakage("flat-status-mismatch", "C25", (E,), e.StatusFieldMismatch),
    Breakage("empty-suggestion", "C26", (E,), e.EmptySuggestion),
    Breakage("unknown-id-404-with-another-code", "C27", (E,), e.UnknownIdWrongCode),
    Breakage("bad-json-500", "C28", (E,), e.BadJson500),
    Breakage("validation-errors-as-400", "C29", (E,), e.ValidationAs400),
    Breakage("create-answers-200", "C30", (K,), k.CreateAnswers200, extra_args=("-k", "201")),
    Breakage("version-in-a-header", "C31", (E,), e.VersionInHeader, extra_args=("-k", "v1")),
    Breakage("limit-per-organisation", "C32", (R,), e.LimitPerOrganisation, extra_args=BURST),
    Breakage("429-with-another-code", "C33", (R,), e.LimitOtherCode, extra_args=BURST),
    Breakage("no-reset-header", "C34", (R,), e.NoResetHeader, extra_args=BURST),
    Breakage("remaining-never-decreases", "C34", (R,), e.RemainingNeverDecreases, extra_args=BURST),
    Breakage("missing-retry-after-on-429", "C35", (R,), e.MissingRetryAfter, extra_args=BURST),
    Breakage("retry-after-on-every-response", "C35", (R,), e.RetryAfterEverywhere, extra_args=BURST),
    Breakage("product-list-bare-array", "C37", (G,), d.ProductListBareArray, extra_args=("-k", "paginated")),
    Breakage("default-page-of-10", "C37", (G,), d.DefaultPageOfTen, extra_args=("-k", "default")),
    Breakage("page-size-not-capped", "C37", (G,), d.PageSizeNotCapped, extra_args=("-k", "at_most")),
    Breakage("cursor-has-more-as-text", "C38", (G,), d.CursorHasMoreText, extra_args=("-k", "cursor")),
    Breakage("products-write-unchecked", "C39", (P,), d.ProductsWriteUnchecked, extra_args=("-k", "write")),
    Breakage("category-not-validated", "C40", (P,), d.CategoryNotValidated, extra_args=("-k", "category")),
    Breakage("no-qr-code-url", "C41", (P,), d.NoQrCodeUrl, extra_args=("-k", "uuid")),
    Breakage("duplicate-as-422", "C42", (P,), d.DuplicateAs422, extra_args=("-k", "duplicate")),
    Breakage(
        "missing-gtin-names-another-field",
        "C43",
        (P,),
        d.MissingGtinNamesAnotherField,
        extra_args=("-k", "missing_gtin"),
    ),
    Breakage("gtin-separators-not-stripped", "C44", (P,), d.GtinSeparatorsNotStripped, extra_args=("-k", "lengths")),
    Breakage("vague-check-digit-message", "C45", (P,), d.VagueCheckDigitMessage, extra_args=("-k", "check_digit")),
    Breakage("gtin-not-normalised", "C46", (P,), d.GtinNotNormalised, extra_args=("-k", "uuid")),
    Breakage(
        "products-read-cannot-read-passports",
        "C47",
        (S,),
        d.ProductsReadCannotReadPassports,
        extra_args=("-k", "readable"),
    ),
    Breakage("passports-write-unchecked", "C48", (S,), d.PassportsWriteUnchecked, extra_args=("-k", "passports_write")),
    Breakage("unknown-gtin-as-422", "C49", (S,), d.UnknownGtin422, extra_args=("-k", "unknown_gtin")),
    Breakage("partial-passport-published", "C50", (S,), d.PartialPublished, extra_args=("-k", "partial")),
    Breakage("later-call-replaces-data", "C51", (S,), d.LaterCallReplaces, extra_args=("-k", "merges")),
]
