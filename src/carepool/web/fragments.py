"""Page bodies rendered once per state: a body that is a pure function of a key (the state it shows and
who is looking) is kept and reused until that state changes. The page around it (header, flash messages,
the sign-out form's token) is rendered for every request."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

from flask import render_template
from markupsafe import Markup

_BODIES: dict[Hashable, Markup] = {}
_LIMIT = 2048  # cleared whole when full: a few pages per plan and role
_LOCK = threading.Lock()


def body(key: Hashable, template: str, **context: Any) -> Markup:
    """``template`` rendered with ``context``, once per ``key``; the key must name everything it shows."""
    full = (template, key)
    found = _BODIES.get(full)
    if found is None:
        found = Markup(render_template(template, **context))  # our own template, escaped as it renders
        with _LOCK:
            if len(_BODIES) >= _LIMIT:
                _BODIES.clear()
            _BODIES[full] = found
    return found
