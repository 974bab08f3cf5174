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

Then validate.py checks HSDS required fields. A nested record that cannot be kept
(a phone without a number, a schedule that closes before it opens, an address HSDS
cannot hold) is dropped with its reason; only the service's own fields refuse it.
Nothing here touches a database or the network; the input is never changed.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from directory.sync.normalise import tree
from directory.sync.normalise.categories import map_attribute
from directory.sync.normalise.context import (
    InvalidRecord,
    NormaliseContext,
    Normalised,
    Notes,
    OrganizationReference,
    shown,
)
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
from directory.sync.normalise.ids import content_digest, derived_id, identity_digest, record_id, source_id_of
from directory.sync.normalise.languages import normalise_language, split_languages
from directory.sync.normalise.phones import normalise_phone
from directory.sync.normalise.schedules import LEGACY_DAY_KEYS, LIST_COLUMNS, OWN_COLUMNS, normalise_schedule
from directory.sync.normalise.validate import check_required

# Keys HSDS allows that Harbour does not store from feeds: dropped without a warning.
IGNORED_KEYS = frozenset({"metadata"})
# Records that land under a placeholder when their organization is absent (see sync/placeholders.py);
# any other record's link to an absent organization is dropped by the store, with a note.
PLACED_TABLES = frozenset({"services", "locations", "programs"})


def normalise_service(record: dict, ctx: NormaliseContext) -> Normalised:
    """Clean one nested HSDS service from a feed; raise InvalidRecord listing every reason it cannot be stored."""
    if not isinstance(record, dict):
        raise InvalidRecord([f"service: must be an object, not {type(record).__name__}"])
    notes = Notes()
    source_id = source_id_of(record.get("id"))
    walk = _Walk(ctx, notes)
    clean = walk.node("services", record, "service") or {}
    check_required("services", clean, "service", notes)
    if notes.reasons:
        raise InvalidRecord(notes.reasons, warnings=notes.warnings, source_id=source_id, problems=notes.problems)
    references = _organizations_not_carried(clean, walk.organization_references)
    return Normalised(clean, notes.warnings, notes.unmapped, source_id, notes.problems, references)


def _organizations_not_carried(
    clean: dict, found: dict[str, OrganizationReference]
) -> dict[str, OrganizationReference]:
    """The organizations the clean record points at (`organization_id`, any depth) without nesting them."""
    carries = clean.get("organization")
    if not found or (isinstance(carries, dict) and found.keys() <= {carries.get("id")}):
        return {}  # the usual case: every reference is to the organization the service carries
    pointed: set[str] = set()
    carried: set[str] = set()

    def visit(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            if isinstance(value.get("organization_id"), str):
                pointed.add(value["organization_id"])
            if isinstance(value.get("organization"), dict) and value["organization"].get("id"):
                carried.add(value["organization"]["id"])
            for item in value.values():
                if isinstance(item, (dict, list)):
                    visit(item)

    visit(clean)
    return {i: found[i] for i in sorted(pointed - carried) if i in found}


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
        self.organization_references: dict[str, OrganizationReference] = {}

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
        refused = len(self.notes.reasons)
        out = self._concept(table, raw, out, path, location_kind)
        if table != "services" and len(self.notes.reasons) > refused:
            self._drop_refused(table, path, refused)
            return None
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
                    if name == "organization_id" and table in PLACED_TABLES:
                        self._points_at_organization(out[name], source, path, raw)
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
                    notes.warn(path, "attribute has no taxonomy term; dropped", "dropped_children", "attributes")
                return None
            out.pop("link_id", None)
            out.update(taxonomy_term_id=term.id, link_type=term.kind)
        return out

    def _drop_refused(self, table: str, path: str, since: int) -> None:
        """Below the service, what would refuse a record drops that record instead, with the same reason."""
        reasons = self.notes.reasons[since:]
        del self.notes.reasons[since:]
        what = tree.entity(table)  # one word, as the staff editor reads "; phone dropped"
        for reason in reasons:
            message = reason.removeprefix(f"{path}: ")
            self.notes.warn(path, f"{message}; {what} dropped", kind="dropped_children", field_name=table)

    def _points_at_organization(self, organization_id: str, source: str, path: str, raw: dict) -> None:
        name = raw.get("organization_name")
        hint = clean_text("name", name) or None if isinstance(name, str) else None
        self.organization_references.setdefault(organization_id, OrganizationReference(source, path, hint))

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
        if table in tree.ROOT_TABLES or parent is None:
            return derived_id(feed, entity, content_digest(out, leave_out))
        # A child is known by what it is (a phone by its number, a schedule by its days), so one
        # whose other values change keeps its id: an update, not a removal and an addition.
        digest = identity_digest(table, out, leave_out)
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
        since = len(self.notes.problems)
        nested = self.node(reference.table, value, where, inherit=out, given_id=out.get(reference.fk))
        if nested is None:
            self.notes.dropped(where, reference.table, since)
            return
        if reference.table == "organizations":
            source = source_id_of(value.get("id")) if isinstance(value, dict) else None
            self._points_at_organization(nested["id"], source or nested["id"], path, {})
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
        without_id = 0
        for index, item in enumerate(items):
            since = len(self.notes.problems)
            clean = self.node(child.table, item, f"{where}[{index}]", parent=parent, location_kind=kind)
            if clean is None:
                if child.table != "attributes":  # an attribute without a Harbour term is an unmapped term
                    self.notes.dropped(f"{where}[{index}]", child.table, since)
                continue
            if child.table != "attributes" and isinstance(item, dict) and source_id_of(item.get("id")) is None:
                without_id += 1
            if child.table == "attributes" and any(a["id"] == clean["id"] for a in result):
                continue  # two feed terms for one Harbour term
            if (
                child.table == "languages"
                and clean.get("code")
                and any(other.get("code") == clean["code"] for other in result)
            ):
                continue  # "Arabic" and "ar" in one list
            result.append(clean)
        if without_id:
            self.notes.warn(
                where, f"{without_id} without an id; each given a stable one derived from its {tree.entity(table)}"
                " and what it is"
            )
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
            self.notes.warn(where, f"must be a list, not {shown(value)}; dropped", "dropped_children", child.table)
            return []
        if child.table == "languages":
            items = [{"name": item} if isinstance(item, str) else item for item in items]
        return items

    def _split_languages(self, items: list) -> list:
        """{"name": "Arabic, French"} becomes one record per language."""
        result = []
        for item in items:
            name = item.get("name") if isinstance(item, dict) else None
            code = item.get("code") if isinstance(item, dict) else None
            has_code = isinstance(code, str) and bool(code.strip())  # a code that is not text is dropped
            parts = split_languages(name) if isinstance(name, str) and not has_code else None
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
