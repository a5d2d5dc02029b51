"""Error pages (GOV.UK style) and JSON errors for the API, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from carepool.web.csrf import CSRFError
from carepool.web.security import is_api

TITLES = {
    400: (
        "There is a problem with the request",
        "The form or request could not be read. Go back and try again.",
    ),
    401: ("Sign in to continue", "You need to sign in to see this page."),
    403: ("You do not have permission to do this", "Your role does not allow this action on this plan."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Page not found", "This page cannot be used in that way."),
    413: ("The upload is too large", "Send less than 2 MB."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
}


def _page(code: int, message: str | None = None) -> tuple[Response | str, int]:
    title, text = TITLES.get(code, ("Sorry, there is a problem with the service", "Try again later."))
    if is_api():
        return jsonify({"error": title, "message": message or text}), code
    return render_template("error.html", title=title, message=message or text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: Exception) -> tuple[Response | str, int]:
        return _page(
            400, "The form had expired or was not sent by this service. Go back, reload and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        return _page(error.code or 500)
