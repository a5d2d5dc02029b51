"""The web face: a Flask app over the same services as the CLI.

``create_app(config)`` builds it: GOV.UK Frontend templates (govuk-frontend-jinja) and vendored assets,
secure session cookies, CSRF on every form (Flask-WTF), and one blueprint per area of work. Every view
declares its permission with ``carepool.web.security.requires``; the app refuses to start if one does not.
"""

from carepool.web.app import create_app

__all__ = ["create_app"]
