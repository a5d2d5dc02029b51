"""The one shape of every error the JSON API returns, whatever refused the request:

``{"error": code, "message": text, "problems": [{"location", "message", "found", "expected", "stage"}]}``

``error`` is a stable code a script can branch on (the table below), ``message`` says what happened and
what to do, ``problems`` names each field (a path into the request body, or a header) that was wrong.
Never HTML, never a stack trace.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import jsonify
from werkzeug.wrappers import Response

from carepool.problems import Problem

CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}
CSRF_FAILED = "csrf_failed"
CHECKS_FAILED = "checks_failed"
ALL_CODES = (*CODES.values(), CSRF_FAILED, CHECKS_FAILED)


class ApiError(Exception):
    """Raised inside API views; answered with the error shape and ``status``. Nothing was written."""

    def __init__(
        self, status: int, message: str, problems: Sequence[Problem] = (), code: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)
        self.code = code or CODES.get(status, "error")


def problem_dict(p: Problem) -> dict[str, str]:
    return {
        "location": p.location,
        "message": p.message,
        "found": p.found,
        "expected": p.expected,
        "stage": p.stage,
    }


def error_response(
    status: int, message: str, problems: Sequence[Problem] = (), code: str | None = None
) -> Response:
    response = jsonify(
        {
            "error": code or CODES.get(status, "error"),
            "message": message,
            "problems": [problem_dict(p) for p in problems],
        }
    )
    response.status_code = status
    return response


def answer(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.problems, error.code)
