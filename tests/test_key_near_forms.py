"""Near-forms of a key are masked, and disguised ones refused as data (issue 19, item 11).

The journal kept ``SK_TEST_…``, ``sk-test-…`` and a key's random part alone verbatim in the query,
and stored data took a key whose prefix held a zero-width space or a Cyrillic ``ѕ`` (201).
What is chosen: masking is case-insensitive and reads ``-`` as ``_``; a run of exactly 32 letters
and digits is cut when its keyed hash completes a key the mock holds (active or revoked); a text
whose skeleton (NFKD, invisible characters dropped, Unicode's look-alikes of the prefix's letters
folded, lower case) holds a key is refused as data (422 naming the field) and redacted whole in
the journal. What stays out of reach is in ``mock_server/key_forms.py``'s docstring.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server import create_app
from mock_server.key_forms import _LOOKALIKES, disguised_key, skeleton
from mock_server.redaction import REDACTED, holds_key, mask_secrets, may_hold_secret
from tests.support.clients import Dashboard, json_of, key_client, wine


@pytest.fixture
def app() -> Flask:
    return create_app({"SEED": 19, "RATE_LIMIT": "0"})


def near_forms(secret: str) -> dict[str, str]:
    random_part = secret[8:]
    return {
        "upper case": secret.upper()[:8] + random_part,
        "hyphens": "sk-test-" + random_part,
        "mixed": "Sk_TeSt-" + random_part,
        "percent-encoded hyphens": "sk%2Dtest%2D" + random_part,
    }


def journal_text(app: Flask) -> str:
    return json_of(app.test_client().get("/_mock/journal"))["data"].__repr__()


@pytest.mark.parametrize("form", ["upper case", "hyphens", "mixed", "percent-encoded hyphens"])
def test_a_near_form_in_the_query_is_masked_in_the_journal(app: Flask, form: str) -> None:
    secret = Dashboard(app).secret()
    near = near_forms(secret)[form]
    app.test_client().get(f"/v1/products?note={near}", headers={"X-Note": near.replace("%2D", "-")})
    text = journal_text(app)
    assert secret[12:] not in text


@pytest.mark.parametrize("revoked", [False, True], ids=["active", "revoked"])
@pytest.mark.parametrize("where", ["query", "path", "header"])
def test_the_random_part_of_a_key_alone_is_masked_in_the_journal(app: Flask, where: str, revoked: bool) -> None:
    api = Dashboard(app)
    created = json_of(api.create_key())
    if revoked:
        api.revoke(created["id"])
    part = created["secret"][8:]
    client = app.test_client()
    if where == "query":
        client.get(f"/v1/products?part={part}&x=1")
    elif where == "path":
        client.get(f"/v1/products/{part}")
    else:
        client.get("/v1/products", headers={"X-Trace": f"a {part} b"})
    text = journal_text(app)
    assert part not in text and part[:4] + "…" in text


def test_a_run_of_32_that_is_no_key_stays_readable(app: Flask) -> None:
    Dashboard(app).create_key()
    trace = "0123456789abcdef" * 2
    app.test_client().get("/v1/products", headers={"X-Trace": trace})
    assert trace in journal_text(app)


ZWSP, CYRILLIC_DZE, SOFT_HYPHEN = "\u200b", "\u0455", "\u00ad"


def disguises(secret: str) -> dict[str, str]:
    part = secret[8:]
    return {
        "zero-width space in the prefix": f"sk{ZWSP}_test_{part}",
        "Cyrillic s": f"{CYRILLIC_DZE}k_test_{part}",
        "Greek capital kappa, upper case": f"S\u039a_TEST_{part}",
        "fullwidth prefix": f"\uff53\uff4b\uff3f\uff54\uff45\uff53\uff54\uff3f{part}",
        "mathematical bold k": f"s\U0001d424_test_{part}",
        "soft hyphen inside test": f"sk_te{SOFT_HYPHEN}st_{part}",
        "combining accent on s": f"s\u0301k_test_{part}",
        "en dash for the underscores": f"sk\u2013test\u2013{part}",
        "Cyrillic e, in a sentence": f"my key is sk_t\u0435st_{part} ok",
    }


@pytest.mark.parametrize("name", list(disguises("sk_test_" + "A" * 32)))
def test_a_disguised_key_is_refused_as_a_key_name_naming_the_field(app: Flask, name: str) -> None:
    secret = Dashboard(app).secret()
    disguised = disguises(secret)[name]
    r = Dashboard(app).create_key(name=disguised)
    body = json_of(r)
    assert (r.status_code, body["error"], body.get("param")) == (422, "validation_error", "name"), body
    assert secret[12:] not in journal_text(app)
    assert all(k["name"] != disguised for k in json_of(Dashboard(app).list_keys())["data"])


@pytest.mark.parametrize(
    ("path", "payload", "param"),
    [
        ("/v1/products", lambda d: wine(name=d), "name"),
        ("/v1/passports", lambda d: {"gtin": "5601012012200", "data": {"ingredients": ["Grapes", d]}}, None),
        ("/_mock/sessions", lambda d: {"organizationId": d}, "organizationId"),
    ],
    ids=["product name", "passport ingredient", "control-plane organisation"],
)
def test_a_disguised_key_is_refused_wherever_data_is_stored(app: Flask, path: str, payload: Any, param: str) -> None:
    secret = Dashboard(app).secret()
    body = payload(disguises(secret)["Cyrillic s"])
    client = key_client(app)
    r = client.post(path, body) if path.startswith("/v1") else app.test_client().post(path, json=body)
    assert (r.status_code, json_of(r)["error"]) == (422, "validation_error"), json_of(r)
    if param is not None:
        assert json_of(r)["param"] == param
    else:
        assert json_of(r)["param"].startswith("data.ingredients")


@pytest.mark.parametrize(
    "text",
    [
        "Vinho Tinto Reserva — colheita 2019",
        "\u0405\u043a\u043e\u0440\u043f\u0438\u043e\u043d",  # Cyrillic, starting with a look-alike of S
        "skład: winogrona",
        "\uff53\uff4b\uff3f\uff54\uff45\uff53\uff54\uff3f short",  # a fullwidth prefix, then no key
        "naïve café " * 9,
    ],
)
def test_ordinary_non_ascii_text_is_kept(app: Flask, text: str) -> None:
    assert not disguised_key(text) and mask_secrets(text) == text
    assert Dashboard(app).create_key(name=text[:100]).status_code == 201


def test_the_masking_functions_agree_on_every_form() -> None:
    secret = "sk_test_" + "Zq9Xw2Lm" * 4
    for form in [*near_forms(secret).values(), *disguises(secret).values()]:
        assert holds_key(form), form
        assert may_hold_secret(form.encode()), form
        masked = mask_secrets(form)
        assert secret[12:] not in masked and (masked == REDACTED or "…" in masked), masked
    assert skeleton(f"{CYRILLIC_DZE}K{ZWSP}_TEST_") == "sk_test_"
    assert not holds_key(quote("sk_test_Zq9X") + "…")  # a listed prefix is no key


_LETTERS = {letter: letter + chars for letter, chars in _LOOKALIKES.items()}
_INVISIBLE = ["", "", "\u200b", "\u200d", "\u00ad", "\u2060", "\ufeff"]


@st.composite
def disguised(draw: st.DrawFn) -> str:
    """``sk_test_`` with each character written as itself or a look-alike, invisible ones between."""
    out = []
    for ch in "sk_test_":
        out.append(draw(st.sampled_from(_LETTERS.get(ch, ch))) + draw(st.sampled_from(_INVISIBLE)))
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), disguised(), st.text(max_size=20))
def test_any_disguise_of_the_prefix_is_found_by_every_check(before: str, prefix: str, after: str) -> None:
    text = before + prefix + "Zq9Xw2Lm" * 4 + after
    assert disguised_key(text) or text.isascii()
    assert may_hold_secret(text.encode("utf-8", "surrogatepass"))
    assert "Xw2LmZq9Xw2Lm" not in mask_secrets(text)
