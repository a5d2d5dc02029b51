"""Read a page's form as a browser would submit it: text inputs, hidden inputs, checked radios, selected
options and textareas, by name (the web tests post exactly what a person would have in front of them)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.current: dict[str, str] | None = None
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.current = {}
            self.forms.append(self.current)
        if self.current is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.current[name] = a.get("value", "on")
                else:
                    self.current.setdefault(name, "")
            elif kind != "submit":
                self.current[name] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.current[self.select] = value
            if "selected" in a:
                self.current[self.select] = value
        elif tag == "textarea":
            self.textarea, self.text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.current is not None and self.textarea:
            text = "".join(self.text)
            self.current[self.textarea] = text[1:] if text.startswith("\n") else text
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text.append(data)


def form_values(page: str, marker: str = "based_on") -> dict[str, str]:
    """The values of the page's POST form that has a field named ``marker``."""
    parser = _Form()
    parser.feed(page)
    found = [f for f in parser.forms if marker in f]
    assert found, f"no form with {marker!r} on the page"
    return found[0]  # an unchecked radio group is sent as "", which the app reads as nothing chosen
