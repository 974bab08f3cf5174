"""One feed service in, one clean HSDS record out (or every reason it cannot be stored).

The walk follows the same relation table the store flattens with
(`directory.hsds.nested`). At each nested record it:

1. keeps HSDS columns and relations, warning about other keys;
2. cleans text (html.py), maps id columns to UUIDs (ids.py), coerces numbers and
   dates, e-mails and URLs;
3. applies the concept of its table: phones, languages, schedules, coordinates,
   addresses, status, categories;
4. sets the links its parent supplies and walks the records it references (an
   organization, a location), so their ids are known;
5. gives it its own UUID, then walks the records it contains, which need that id.

Then validate.py checks HSDS required fields. Nothing here touches a database or
the network; the input is never changed.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from directory.sync.normalise import tree
from directory.sync.normalise.categories import map_attribute
from directory.sync.normalise.context import InvalidRecord, NormaliseContext, Normalised, Notes, shown
from directory.sync.normalise.coordinates import normalise_coordinates
from directory.sync.normalise.emails_urls import EMAIL_FIELDS, URL_FIELDS, clean_email, clean_url
from directory.sync.normalise.fields import (
    address_fields,
    description_from_name,
    location_type,
    service_status,
    to_date,
    to_datetime,
    to_number,
)
from directory.sync.normalise.html import clean_text
from directory.sync.normalise.ids import content_digest, derived_id, record_id, source_id_of
from directory.sync.normalise.languages import normalise_language, split_languages
from directory.sync.normalise.phones import normalise_phone
from directory.sync.normalise.schedules import LEGACY_DAY_KEYS, LIST_COLUMNS, OWN_COLUMNS, normalise_schedule
from directory.sync.normalise.validate import check_required

# Keys HSDS allows that Harbour does not store from feeds: dropped without a warning.
IGNORED_KEYS = frozenset({"metadata"})


def normalise_service(record: dict, ctx: NormaliseContext) -> Normalised:
    """Clean one nested HSDS service from a feed; raise InvalidRecord listing every reason it cannot be stored."""
    if not isinstance(record, dict):
        raise InvalidRecord([f"service: must be an object, not {type(record).__name__}"])
    notes = Notes()
    source_id = source_id_of(record.get("id"))
    clean = _Walk(ctx, notes).node("services", record, "service") or {}
    check_required("services", clean, "service", notes)
    if notes.reasons:
        raise InvalidRecord(notes.reasons, warnings=notes.warnings, source_id=source_id, problems=notes.problems)
    return Normalised(clean, notes.warnings, notes.unmapped, source_id, notes.problems)


@cache
def _known_keys(table: str) -> frozenset:
    """Keys a nested record of `table` may carry without a warning."""
    legacy = LEGACY_DAY_KEYS if table == "schedules" else ()
    return frozenset(tree.columns(table)) | tree.relation_keys(table) | IGNORED_KEYS | frozenset(legacy)


class _Walk:
    def __init__(self, ctx: NormaliseContext, notes: Notes):
        self.ctx = ctx
        self.notes = notes
        self.seen: Counter[tuple[str, ...]] = Counter()  # identical siblings without ids

    def node(
        self,
        table: str,
        raw: object,
        path: str,
        parent: tuple[tree.Child, str, str] | None = None,
        inherit: dict | None = None,
        given_id: str | None = None,
        location_kind: str | None = None,
    ) -> dict | None:
        if not isinstance(raw, dict):
            self.notes.warn(path, f"must be an object, not {type(raw).__name__}; dropped")
            return None
        known = _known_keys(table)
        unknown = [str(k) for k in raw if k not in known]
        if unknown:
            self.notes.warn(path, f"ignored fields that are not HSDS 3.0: {', '.join(sorted(unknown))}")
        out = self._values(table, raw, path)
        out = self._concept(table, raw, out, path, location_kind)
        if out is None:
            return None
        if parent is not None:
            child, parent_id, parent_entity = parent
            out[child.fk] = parent_id
            if table == "attributes":
                out["link_entity"] = parent_entity
        if inherit:
            for column in tree.link_columns(table):
                if out.get(column) is None and inherit.get(column):
                    out[column] = inherit[column]
        for reference in tree.references(table):
            if table != "attributes" and raw.get(reference.key) is not None:
                self._reference(table, reference, raw[reference.key], out, path)
        out["id"] = self._own_id(table, raw, out, path, parent, given_id)
        for child in tree.children(table):
            if raw.get(child.key) is not None:
                out[child.key] = self._children(table, child, raw[child.key], out, path)
        return out

    # -- values -------------------------------------------------------------------

    def _values(self, table: str, raw: dict, path: str) -> dict:
        """The record's own columns, cleaned; empty values left out."""
        out: dict = {}
        columns = tree.columns(table)
        id_columns = tree.id_columns(table)
        own = OWN_COLUMNS if table == "schedules" else frozenset()
        for name, value in raw.items():
            field = columns.get(name)
            if field is None or name == "id" or value is None:
                continue
            if name in id_columns:
                source = source_id_of(value)
                if source is None:
                    self.notes.warn(path, f"{name} {shown(value)} is not an id; dropped")
                else:
                    out[name] = record_id(self.ctx.feed_name, id_columns[name], source)
                continue
            if isinstance(value, list) and table == "schedules" and name in LIST_COLUMNS:
                out[name] = value
                continue
            if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], (dict, list)):
                value = value[0]
            if isinstance(value, (dict, list)) or isinstance(value, bool):
                self.notes.warn(path, f"{name} must be a single value, not {shown(value)}; dropped")
                continue
            if isinstance(value, (int, float)) and (field.type != "number" or name in own):
                value = source_id_of(value)  # 12345 → "12345"; inf and nan → None
                if value is None:
                    continue
            if isinstance(value, str):
                value = clean_text(name, value)
                if value == "":
                    continue
            value = self._typed(name, field.type, value, path, own)
            if value is not None:
                out[name] = value
        return out

    def _typed(self, name: str, kind: str, value: object, path: str, own: frozenset) -> object:
        if name in own:
            return value
        if kind == "number":
            number = to_number(value)
            if number is None:
                self.notes.warn(path, f"{name} {shown(value)} is not a number; dropped")
            return number
        if kind == "date":
            day = to_date(value, self.ctx.region)
            if day is None:
                self.notes.warn(path, f"{name} {shown(value)} is not a date; dropped")
            return day
        if kind == "datetime":
            moment = to_datetime(value)
            if moment is None:
                self.notes.warn(path, f"{name} {shown(value)} is not an ISO 8601 date and time; dropped")
            return moment
        if name in EMAIL_FIELDS:
            email, note = clean_email(str(value))
            if note:
                self.notes.warn(path, f"{name}: {note}")
            return email
        if name in URL_FIELDS:
            url, problem = clean_url(str(value))
            if problem:
                self.notes.warn(path, f"{name}: {problem}")
            return url
        return value

    # -- concepts -----------------------------------------------------------------

    def _concept(self, table: str, raw: dict, out: dict, path: str, location_kind: str | None) -> dict | None:
        ctx, notes = self.ctx, self.notes
        if table == "services":
            service_status(out, notes, path)
        elif table in ("organizations", "programs"):
            description_from_name(out, notes, path)
        elif table == "phones":
            if raw.get("number") not in (None, "") and "number" not in out:
                notes.warn(path, f"number {shown(raw['number'])} has no digits; phone dropped")
                return None
            return normalise_phone(out, ctx.region, notes, path)
        elif table == "languages":
            return normalise_language(out, notes, path)
        elif table == "schedules":
            legacy = [raw[k] for k in LEGACY_DAY_KEYS if raw.get(k) is not None]
            return normalise_schedule(out, legacy, ctx.timezone, notes, path)
        elif table == "locations":
            out = normalise_coordinates(out, ctx.region, notes, path)
            location_type(out, bool(raw.get("addresses")), notes, path)
        elif table == "addresses":
            address_fields(out, ctx.region, location_kind, notes, path)
        elif table == "attributes":
            term, unmapped = map_attribute(raw, ctx.categories)
            if term is None:
                if unmapped is not None:
                    notes.unmapped.add(unmapped)
                else:
                    notes.warn(path, "attribute has no taxonomy term; dropped")
                return None
            out.pop("link_id", None)
            out.update(taxonomy_term_id=term.id, link_type=term.kind)
        return out

    # -- ids ----------------------------------------------------------------------

    def _own_id(self, table: str, raw: dict, out: dict, path: str, parent, given_id: str | None) -> str:
        feed, entity = self.ctx.feed_name, tree.entity(table)
        if table == "attributes":
            return derived_id(feed, entity, parent[1] if parent else "", out["taxonomy_term_id"])
        source = source_id_of(raw.get("id"))
        if source is not None:
            return record_id(feed, entity, source)
        if raw.get("id") not in (None, ""):
            self.notes.warn(path, f"id {shown(raw['id'])} is not usable; gave it a stable one instead")
        if given_id:
            return given_id
        if table == "organizations" and isinstance(out.get("name"), str):
            return derived_id(feed, entity, "name=" + out["name"].casefold())
        if table == "services" and isinstance(out.get("name"), str):
            self.notes.warn(path, "no id; gave it one derived from its organization and name")
            return derived_id(
                feed, entity, f"organization={out.get('organization_id')}", "name=" + out["name"].casefold()
            )
        leave_out = {c for c in out if tree.is_link_column(c) or isinstance(out[c], (dict, list))}
        digest = content_digest(out, leave_out)
        if table in tree.ROOT_TABLES or parent is None:
            return derived_id(feed, entity, digest)
        child, parent_id, _ = parent
        key = (parent_id, child.key, digest)
        self.seen[key] += 1
        count = self.seen[key]
        return derived_id(feed, entity, parent_id, child.key, digest, *([str(count)] if count > 1 else []))

    # -- relations ----------------------------------------------------------------

    def _reference(self, table: str, reference: tree.Reference, value: object, out: dict, path: str) -> None:
        where = f"{path}.{reference.key}"
        if isinstance(value, str) and reference.table == "organizations" and value.strip():
            self.notes.warn(where, f"organization given as text {shown(value)}; read as its name")
            value = {"name": value}
        nested = self.node(reference.table, value, where, inherit=out, given_id=out.get(reference.fk))
        if nested is None:
            return
        if out.get(reference.fk) and out[reference.fk] != nested["id"]:
            self.notes.warn(
                path, f"{reference.fk} differs from the id of the nested {reference.key}; used the nested one"
            )
        out[reference.key] = nested
        out[reference.fk] = nested["id"]

    def _children(self, table: str, child: tree.Child, value: object, out: dict, path: str) -> list:
        where = f"{path}.{child.key}"
        items = self._as_list(child, value, where)
        if child.table == "languages":
            items = self._split_languages(items)
        parent = (child, out["id"], tree.entity(table))
        kind = out.get("location_type") if table == "locations" else None
        result: list[dict] = []
        for index, item in enumerate(items):
            clean = self.node(child.table, item, f"{where}[{index}]", parent=parent, location_kind=kind)
            if clean is None:
                continue
            if child.table == "attributes" and any(a["id"] == clean["id"] for a in result):
                continue  # two feed terms for one Harbour term
            if (
                child.table == "languages"
                and clean.get("code")
                and any(other.get("code") == clean["code"] for other in result)
            ):
                continue  # "Arabic" and "ar" in one list
            result.append(clean)
        return result

    def _as_list(self, child: tree.Child, value: object, where: str) -> list:
        if isinstance(value, list):
            items = value
        elif isinstance(value, dict):
            self.notes.warn(where, "must be a list; read the single object as one item")
            items = [value]
        elif isinstance(value, str) and child.table == "languages":
            items = [value]
        else:
            self.notes.warn(where, f"must be a list, not {shown(value)}; dropped")
            return []
        if child.table == "languages":
            items = [{"name": item} if isinstance(item, str) else item for item in items]
        return items

    def _split_languages(self, items: list) -> list:
        """{"name": "Arabic, French"} becomes one record per language."""
        result = []
        for item in items:
            name = item.get("name") if isinstance(item, dict) else None
            parts = split_languages(name) if isinstance(name, str) and not item.get("code") else None
            if not parts:
                result.append(item)
                continue
            source = source_id_of(item.get("id"))
            for part in parts:
                piece = {k: v for k, v in item.items() if k != "id"} | {"name": part}
                if source is not None:
                    piece["id"] = f"{source}/{part.strip().casefold()}"
                result.append(piece)
        return result
