"""GTIN normalisation and the GS1 check digit, without HTTP (C44-C46)."""

from __future__ import annotations

import pytest

from mock_server.errors import ValidationFailed
from mock_server.state.gtin import check_digit, normalise


@pytest.mark.parametrize(
    ("raw", "gtin14"),
    [
        ("96385074", "00000096385074"),  # GTIN-8
        ("614141000036", "00614141000036"),  # GTIN-12
        ("5601012012200", "05601012012200"),  # GTIN-13
        ("15601012012207", "15601012012207"),  # GTIN-14
        ("09506000164908", "09506000164908"),
        ("560-1012-01220-0", "05601012012200"),
        (" 5601012 012200 ", "05601012012200"),
    ],
)
def test_documented_valid_gtins_normalise_to_14_digits(raw: str, gtin14: str) -> None:
    assert normalise(raw) == gtin14


def test_docs_example_gtin_is_rejected_by_the_documented_check_digit() -> None:
    """The docs use 5601234567890 as a happy-path example, yet their own GS1 rule gives 2 as
    its check digit, not 0 (docs contradiction 8). The mock follows the rule, so it rejects it."""
    with pytest.raises(ValidationFailed) as exc:
        normalise("5601234567890")
    assert exc.value.message == "GTIN check digit is invalid. Expected 2, got 0."
    assert exc.value.param == "gtin"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1234567",
        "123456789",
        "12345678901",
        "123456789012345",
        "56010120122OO",
        "5601012012200.0",
        "٥٦٠١٠١٢٠١٢٢٠٠",
        "5601012012200\n1",
    ],
)
def test_wrong_length_or_non_digits_are_rejected_with_param_gtin(raw: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        normalise(raw)
    assert exc.value.param == "gtin"
    assert "8, 12, 13 or 14 digits" in exc.value.message


def test_check_digit_follows_the_gs1_weights() -> None:
    assert check_digit("0560101201220") == 0
    assert check_digit("0560123456789") == 2
