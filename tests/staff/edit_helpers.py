"""Submitting the edit forms the way a browser without JavaScript would.

    fields = form_fields(page.text)          # every successful control of the edit form
    fields["name"] = "New name"
    client.post(url, data=fields)
"""

from __future__ import annotations

from contextlib import closing
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action_suffix: str | None):
        super().__init__(convert_charrefs=True)
        self.action_suffix = action_suffix
        self.inside = False
        self.fields: dict[str, object] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or ""
            self.inside = a.get("method") == "post" and (
                self.action_suffix is None or action.endswith(self.action_suffix)
            ) and "logout" not in action
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"), multi=kind == "checkbox")
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.fields[self._select], self._selected = value, True

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            self.fields[self._textarea] = "".join(self._text)
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected:
                self.fields[self._select] = self._first_option or ""
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def _add(self, name, value, multi):
        if multi:
            existing = self.fields.setdefault(name, [])
            assert isinstance(existing, list)
            existing.append(value)
        else:
            self.fields[name] = value


def form_fields(page: str, action_suffix: str | None = None) -> dict[str, object]:
    """The fields a browser would submit from the page's POST form (not the sign-out one)."""
    reader = _FormReader(action_suffix)
    reader.feed(page)
    assert reader.fields, "no POST form on the page"
    return reader.fields


def set_hours(fields: dict, day: str, opens: str, closes: str, session: int = 1) -> None:
    fields[f"hours-{day}-{session}-opens"] = opens
    fields[f"hours-{day}-{session}-closes"] = closes


def a_service_of(instance, organization_id: str | None = None) -> tuple[str, str]:
    """(service id, organization id) of a demo service; the busiest organization's by default."""
    with closing(instance.directory()) as db:
        if organization_id is None:
            organization_id = db.execute(
                "SELECT organization_id FROM services GROUP BY organization_id ORDER BY count(*) DESC,"
                " organization_id LIMIT 1"
            ).fetchone()[0]
        service_id = db.execute(
            "SELECT id FROM services WHERE organization_id = ? ORDER BY id LIMIT 1", [organization_id]
        ).fetchone()[0]
    return service_id, organization_id


def another_organization(instance, not_this: str) -> str:
    with closing(instance.directory()) as db:
        return db.execute(
            "SELECT organization_id FROM services WHERE organization_id != ? GROUP BY organization_id"
            " ORDER BY count(*) DESC, organization_id LIMIT 1",
            [not_this],
        ).fetchone()[0]
