"""Turn a request's body and parameters into values checked against the spec's schemas."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Request
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match

from ..errors import BadRequest, ValidationFailed
from ..json_limits import MAX_DEPTH, TooDeep, loads
from ..redaction import holds_key, mask_secrets, may_hold_secret
from ..state import gtin
from .spec import Operation

_INT = re.compile(r"-?[0-9]{1,18}")
# "Blank" means made only of whitespace, and whitespace is every character that Unicode's White_Space
# property or ECMA-262's \s names. The spec spells the class out instead of writing \S, because \s
# differs between Python and ECMA-262 (U+001C-U+001F and U+0085 in Python only, U+FEFF in ECMA only),
# so a validator in either language would disagree with the other about some names.
NON_BLANK = r"[^\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_NON_BLANK = re.compile(NON_BLANK)
_JSON_TYPES = ("application/json",)
_HOLDS_KEY = "holds an API key. A key is a secret: it is never stored in data, where it would be shown again."
_NAME_KEYS_BY_ID = "Remove the key from the value; to name a key, use its id or its prefix (sk_test_ and 4 characters)."


def parse_body(op: Operation, request: Request) -> Any:
    """The JSON body, checked against the operation's request schema.

    :raise BadRequest: wrong Content-Type, or a body that is not valid UTF-8 JSON (C21, C28).
    :raise ValidationFailed: well-formed JSON that breaks the schema (C29).
    """
    mimetype = request.mimetype
    if mimetype not in _JSON_TYPES and not mimetype.endswith("+json"):
        raise BadRequest(
            "Content-Type must be application/json.",
            suggestion="Send a JSON body with 'Content-Type: application/json'.",
        )
    raw = request.get_data(cache=False)
    body = read_json(raw)
    assert op.body_validator is not None
    _check(op.body_validator, body, where="body")
    refuse_keys(raw, body)
    return body


def refuse_keys(raw: bytes, body: Any) -> None:
    """Refuse a body that carries an API key in any of its strings, names included.

    Whatever is stored comes back in later answers (a key's name in every list), and a key may be
    shown once only (C12, C14); so no key is stored in data, in any encoding the journal masks.

    :raise ValidationFailed: ``param`` names the field (masked, if the name itself is the key).
    """
    if not may_hold_secret(raw):  # the usual case: one scan of the bytes
        return
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str) and holds_key(value):
            field = mask_secrets(where) or "body"  # the name may be the key itself
            raise ValidationFailed(f"{field} {_HOLDS_KEY}", param=field, suggestion=_NAME_KEYS_BY_ID)
        if isinstance(value, dict):
            for name, item in value.items():
                field = f"{where}.{name}" if where else name
                stack += [(field, name), (field, item)]
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", item) for i, item in enumerate(value)]


def parse_query(op: Operation, request: Request) -> dict[str, Any]:
    """The query parameters, typed, checked and completed with their defaults.

    :raise ValidationFailed: an unknown, repeated or out-of-range parameter.
    """
    if not request.query_string:
        return dict(op.defaults)
    args = request.args
    values: dict[str, Any] = {}
    in_range = True  # every value an integer its parameter's range allows: nothing more to check
    for name, items in args.lists():
        if len(items) > 1:
            raise ValidationFailed(f"Query parameter '{name}' was given more than once.", param=name)
        param = op.query.get(name)
        value: Any = items[0]
        if param is not None and param.is_integer and _INT.fullmatch(value):
            value = int(value)
        values[name] = value
        bounds = param.int_range if param is not None else None
        in_range = in_range and bounds is not None and type(value) is int and bounds[0] <= value <= bounds[1]
    if not in_range:
        assert op.query_validator is not None
        _check(op.query_validator, values, where="query")
    return {**op.defaults, **values}


def is_blank(text: str) -> bool:
    """Whether ``text`` is empty or made only of whitespace, as the spec's ``NON_BLANK`` pattern defines it."""
    return _NON_BLANK.search(text) is None


def check_path(op: Operation, params: dict[str, Any]) -> None:
    if op.path_validator is not None:
        _check(op.path_validator, params, where="path")


def read_json(raw: bytes) -> Any:
    """The body as JSON, at most ``MAX_DEPTH`` levels deep.

    :raise BadRequest: not UTF-8 JSON, or nested deeper than the limit (the message names it).
    """
    try:
        return loads(raw)
    except TooDeep:
        raise BadRequest(
            f"The JSON body nests arrays or objects deeper than {MAX_DEPTH} levels.",
            suggestion=f"Send a body with at most {MAX_DEPTH} levels of nesting.",
        ) from None
    except ValueError:  # UnicodeDecodeError included
        raise BadRequest(
            "Malformed JSON in the request body.", suggestion="Check the body is a single valid JSON document."
        ) from None


def _check(validator: Draft202012Validator, instance: Any, where: str) -> None:
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        if error.validator == "pattern" and error.schema.get("format") == "gtin" and isinstance(error.instance, str):
            gtin.normalise(error.instance)  # the pattern's rule, told with the GTIN guide's message
        param, message = describe(error, where)
        raise ValidationFailed(message, param=param)


def describe(error: ValidationError, where: str) -> tuple[str, str]:
    """A field name and a message for a schema error, never echoing the offending value."""
    path = list(error.absolute_path)
    kind = error.validator
    if kind == "required" and isinstance(error.instance, dict):
        missing = next((k for k in error.validator_value if k not in error.instance), "")
        path.append(missing)
        return _name(path, where), f"{_name(path, where)} is required."
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = next((k for k in error.instance if k not in allowed), "")
        path.append(extra)
        noun = "query parameter" if where == "query" and len(path) == 1 else "field"
        return _name(path, where), f"Unknown {noun} '{_name(path, where)}'."
    name = _name(path, where)
    return name, f"{name} {_RULES.get(str(kind), _rule_fallback)(error)}."


def _name(path: Iterable[Any], where: str) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or where


def _rule_fallback(error: ValidationError) -> str:
    return f"does not satisfy '{error.validator}'"


_RULES = {
    "type": lambda e: f"must be of type {e.validator_value}",
    "enum": lambda e: "must be one of: " + ", ".join(map(str, e.validator_value)),
    "const": lambda e: f"must be {e.validator_value!r}",
    "minLength": lambda e: f"must be at least {e.validator_value} characters long",
    "maxLength": lambda e: f"must be at most {e.validator_value} characters long",
    "pattern": lambda e: "must not be blank" if e.validator_value == NON_BLANK else "has an invalid format",
    "minItems": lambda e: f"must have at least {e.validator_value} item(s)",
    "maxItems": lambda e: f"must have at most {e.validator_value} items",
    "uniqueItems": lambda e: "must not contain duplicates",
    "minimum": lambda e: f"must be at least {e.validator_value}",
    "exclusiveMinimum": lambda e: f"must be above {e.validator_value}",
    # ``{"not": {}}`` marks a field that exists, but not in this combination (control-plane schema).
    "not": lambda e: "does not apply with the other fields given" if e.validator_value == {} else "is not allowed",
    "maximum": lambda e: f"must be at most {e.validator_value}",
    "format": lambda e: f"must be a valid {e.validator_value}",
    "minProperties": lambda e: f"must have at least {e.validator_value} field(s)",
}
