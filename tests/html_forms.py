"""Read a page's form as a browser would submit it, for tests that post a page back without a browser.

A browser drops the value of a date, time or datetime-local input that is not in the ISO form the HTML
standard requires ("value sanitization"): ``<input type="date" value="2026/09/01">`` shows empty and
submits an empty string. The test client sends whatever it is given, so it cannot see that bug unless the
page's values go through the same rule first.
"""

import datetime
import re
from html.parser import HTMLParser

_SANITIZERS = {
    "date": lambda v: _valid(v, r"\d{4}-\d{2}-\d{2}", check_date=True),
    "time": lambda v: _valid(v, r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "datetime-local": lambda v: _valid(v, r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
}


def _valid(value: str, pattern: str, check_date: bool = False) -> str:
    if not re.fullmatch(pattern, value):
        return ""
    if check_date:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return ""
    return value


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[dict] = []  # per form: "data" (name, value) pairs, "names", "inputs"
        self._select = None
        self._options: list[tuple[str, bool]] = []
        self._in_option = False
        self._option_value = None
        self._option_selected = False
        self._option_text = ""
        self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.inside = True
            self.forms.append({"data": [], "names": set(), "inputs": []})
            self.data, self.inputs = self.forms[-1]["data"], self.forms[-1]["inputs"]
            return
        if not self.inside:
            return
        if a.get("name"):
            self.forms[-1]["names"].add(a["name"])
        if tag == "input":
            self.inputs.append(a)
            kind = a.get("type", "text").lower()
            if (
                not a.get("name")
                or "disabled" in a
                or kind in ("submit", "button", "reset", "file")
            ):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((a["name"], a.get("value", "on")))
                return
            value = a.get("value", "")
            self.data.append((a["name"], _SANITIZERS.get(kind, lambda v: v)(value)))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a, []
        elif tag == "option" and self._select is not None:
            self._in_option = True
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._in_option:
            self._option_text += data
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._in_option:
            value = (
                self._option_value if self._option_value is not None else self._option_text.strip()
            )
            self._options.append((value, self._option_selected))
            self._in_option = False
        elif tag == "select" and self._select is not None:
            if self.inside:
                chosen = [v for v, selected in self._options if selected]
                if not chosen and self._options and "multiple" not in self._select:
                    chosen = [self._options[0][0]]
                self.data += [(self._select["name"], v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self.inside:
                # The parser keeps the newline browsers drop right after <textarea>.
                self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def _form(html: str, field: str) -> dict:
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if field in form["names"]:
            return form
    raise AssertionError(f"no form with a field named {field!r}")


def form_data(html: str, field: str) -> dict[str, list[str]]:
    """What the form holding ``field`` submits, as a browser would submit it unchanged."""
    out: dict[str, list[str]] = {}
    for name, value in _form(html, field)["data"]:
        out.setdefault(name, []).append(value)
    return out


def form_inputs(html: str, field: str) -> list[dict]:
    """The attributes of every <input> of the form holding ``field``."""
    return _form(html, field)["inputs"]
