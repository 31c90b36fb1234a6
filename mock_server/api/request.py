"""The app's request class, and the checks of a request's framing made before anything reads it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Request as FlaskRequest
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property

from ..errors import BadRequest


class Request(FlaskRequest):
    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        """The query parameters; bytes that are not UTF-8 read as U+FFFD, sent raw or percent-encoded.

        Werkzeug decodes the raw query string strictly, so a raw byte such as 0xE9 (``?q=é`` in
        Latin-1, which a server hands over as it came) raised ``UnicodeDecodeError``: a 500.
        """
        text = self.query_string.decode("utf-8", "replace")
        return self.parameter_storage_class(parse_qsl(text, keep_blank_values=True, errors="replace"))


def refuse_malformed_length(environ: dict[str, Any]) -> None:
    """:raise BadRequest: a ``Content-Length`` that is not only digits, as granian's adapter refuses it.

    ``int()`` reads "+2", " 2" or "2_0" as numbers, so werkzeug and waitress would take a body
    length that a proxy in front may read differently (RFC 9110 8.6: ``1*DIGIT``).
    """
    length = environ.get("CONTENT_LENGTH")
    if length and not (length.isascii() and length.isdigit()):
        raise BadRequest("Content-Length must be a number of bytes.")
