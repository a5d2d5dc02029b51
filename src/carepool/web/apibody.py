"""Reading the JSON body of an API call, in stages that stop early: media type → size (Flask's limit,
413) → UTF-8 → JSON syntax → one object → known fields → each field's type. Every refusal is an
``ApiError`` (400, or 415 for the wrong media type) naming the field, what was found and what was
expected; nothing has been written when one is raised.

Numbers with a fraction are read as exact decimals (never floats), so money sent as a JSON number
keeps its pence; the plan format itself writes money as strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any, Final, NoReturn

from flask import request

from carepool.problems import Problem
from carepool.web.jsonerrors import ApiError

SHA256: Final = re.compile(r"^[0-9a-fA-F]{64}$")
DATE: Final = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
VERSION_EXPECTED: Final = "a version number (e.g. 3) or that version's full sha256"


def kind_of(value: Any) -> str:
    """How a JSON value is named to people: its type and, for short scalars, the value itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number JSON allows")


def _refuse(message: str, location: str, found: str = "", expected: str = "", status: int = 400) -> NoReturn:
    raise ApiError(status, message, [Problem("format", location, message, found, expected)])


def read_object(allowed: Collection[str]) -> Body:
    """The request's JSON object, with only the ``allowed`` top-level fields."""
    if request.mimetype != "application/json":
        _refuse(
            "send the body as JSON, with the header Content-Type: application/json",
            "Content-Type",
            request.mimetype or "(none)",
            "application/json",
            status=415,
        )
    raw = request.get_data()  # beyond MAX_CONTENT_LENGTH this raises 413, answered as JSON
    if not raw.strip():
        _refuse("the request body is empty; send a JSON object", "(body)", "nothing", "a JSON object")
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constants)
    except UnicodeDecodeError:
        _refuse("the body is not UTF-8 text", "(body)", "bytes that are not UTF-8", "UTF-8 JSON")
    except json.JSONDecodeError as exc:
        _refuse(f"the body is not valid JSON: {exc.msg}", f"line {exc.lineno} column {exc.colno}")
    except ValueError as exc:
        _refuse(f"the body is not valid JSON: {exc}", "(body)")
    except RecursionError:
        _refuse("the JSON is nested too deeply", "(body)")
    if not isinstance(data, dict):
        _refuse("the body must be one JSON object", "(body)", kind_of(data), "an object")
    unknown = [
        Problem("format", str(key), "unknown field", str(key), ", ".join(sorted(allowed)))
        for key in data
        if key not in allowed
    ]
    if unknown:
        raise ApiError(400, "the body has fields this call does not take; nothing was written", unknown)
    return Body(data)


class Body:
    """Typed fields of a JSON object; problems are collected, then ``done`` refuses them together."""

    def __init__(self, data: dict[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.problems: list[Problem] = []

    def _bad(self, name: str, message: str, value: Any, expected: str, found: str | None = None) -> None:
        if found is None:
            found = "nothing" if name not in self.data else kind_of(value)
        self.problems.append(Problem("format", self.prefix + name, message, found, expected))

    def version(self, name: str) -> int | str | None:
        """A required version reference: a number ≥ 1, or a full sha256 (lower-cased)."""
        value = self.data.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        if isinstance(value, str) and SHA256.match(value):
            return value.lower()
        missing = name not in self.data
        message = f"say which version you {'read' if name == 'based_on' else 'mean'}"
        self._bad(name, message if missing else "not a version", value, VERSION_EXPECTED)
        return None

    def text(self, name: str, required: bool = False, limit: int = 5000) -> str | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self._bad(name, "required" if name not in self.data else "must be text", value, "text")
            return None
        if len(value) > limit:
            self._bad(name, f"at most {limit} characters", value, f"≤ {limit}", f"{len(value)} characters")
            return None
        return value

    def mapping(self, name: str, required: bool = True) -> dict[str, Any] | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            self._bad(name, "required" if name not in self.data else "must be an object", value, "an object")
            return None
        return value

    def items(self, name: str) -> list[Any] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, list):
            self._bad(name, "must be a list", value, "a list")
            return None
        return value

    def day(self, name: str) -> date | None:
        value = self.data.get(name)
        if isinstance(value, str) and DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self._bad(name, "required" if name not in self.data else "not a date", value, "a date as YYYY-MM-DD")
        return None

    def done(self, message: str = "the body has problems; nothing was written") -> None:
        if self.problems:
            raise ApiError(400, message, self.problems)
