"""Error pages (GOV.UK style) and JSON errors for the API, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from carepool.problems import Problem
from carepool.web.csrf import CSRFError
from carepool.web.jsonerrors import CSRF_FAILED, error_response
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
# What the API says instead (the pages' wording speaks of pages and forms).
API_TEXT = {
    400: "The request could not be read.",
    401: "Sign in first (POST /sign-in); the session cookie authenticates API calls.",
    403: "Your role does not allow this action on this plan.",
    404: "There is no such plan or resource, or you may not see it.",
    405: "This address does not accept that method.",
    413: "The request body is larger than 2 MB.",
    429: "Too many attempts: wait a few minutes and try again.",
    500: "Something went wrong on our side. Try again later.",
}


def _page(code: int, message: str | None = None) -> tuple[Response | str, int]:
    title, text = TITLES.get(code, ("Sorry, there is a problem with the service", "Try again later."))
    if is_api():
        return error_response(code, message or API_TEXT.get(code, text)), code
    return render_template("error.html", title=title, message=message or text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[Response | str, int]:
        if is_api():
            reason = str(error.description or "The CSRF token is missing or invalid.")
            problem = Problem(
                "csrf", "X-CSRFToken", reason, "", "the token from GET /api/v1/csrf-token, for this session"
            )
            message = (
                f"{reason} Every API call that changes something needs the X-CSRFToken header: get the "
                "token from GET /api/v1/csrf-token with the same session cookie. Nothing was written."
            )
            return error_response(400, message, [problem], CSRF_FAILED), 400
        return _page(
            400, "The form had expired or was not sent by this service. Go back, reload and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int]:
        return _page(error.code or 500)
