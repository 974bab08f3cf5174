"""The edit pages: list, new and edit for services, organizations and locations.

Each handler follows the order auth.py sets (401, 403 by role, CSRF, 404, 403 by
organization, 400 for unreadable input) and then hands the record to save.py.
The form page answers 200 when saved, 400 with the fields to fix, 412 with the
other person's values beside yours when someone saved first, and 422 when the
record cannot be stored as it is.
"""

from __future__ import annotations

import uuid

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.auth import Actor, check_csrf, may_touch, require_actor, require_organization
from directory.staff.editing import conflicts, forms, listing, options, week_grid
from directory.staff.editing.kinds import Kind
from directory.staff.editing.save import save_edit
from directory.staff.editing.versions import load_record, remember
from directory.sync.normalise.times import DAYS

FORM = "editing/form.html"


def owner_of(kind: Kind, record: dict) -> str | None:
    """The organization a record belongs to, for require_organization."""
    return record.get("id") if kind.table == "organizations" else record.get("organization_id")


class EditPages:
    def __init__(self, instance: Instance, kind: Kind):
        self.instance, self.kind = instance, kind

    # -- handlers -----------------------------------------------------------------

    async def list(self, request: Request) -> Response:
        actor = require_actor(request)
        params = request.query_params
        offset = int(params["offset"]) if params.get("offset", "").isdigit() else 0
        found = await run_in_threadpool(
            self._with_db, listing.list_records, self.kind, actor, params.get("q", ""), params.get("organization_id", ""), offset
        )
        may_create = actor.role == "admin" or (actor.role in self.kind.create_roles and bool(actor.organizations))
        return render(request, "editing/list.html", {"kind": self.kind, "listing": found, "may_create": may_create})

    async def edit(self, request: Request) -> Response:
        actor = require_actor(request)
        context = await run_in_threadpool(self._edit_context, actor, request.path_params["id"])
        if request.query_params.get("saved") == "created":
            context["message"] = f"The {self.kind.singular} was created."
        return render(request, FORM, context)

    async def new(self, request: Request) -> Response:
        actor = self._require_creator(request)
        context = await run_in_threadpool(self._new_context, actor, request.query_params.get("organization_id", ""))
        return render(request, FORM, context)

    async def save(self, request: Request) -> Response:
        actor = require_actor(request, roles=self.kind.roles)
        await check_csrf(request)
        values = forms.values_from_form(await request.form())
        status, context = await run_in_threadpool(self._save, actor, request.path_params["id"], values)
        return render(request, FORM, context, status_code=status)

    async def create(self, request: Request) -> Response:
        actor = self._require_creator(request)
        await check_csrf(request)
        values = forms.values_from_form(await request.form())
        status, context = await run_in_threadpool(self._create, actor, values)
        if status == 201:
            return RedirectResponse(f"/staff/{self.kind.path}/{context['record_id']}?saved=created", status_code=303)
        return render(request, FORM, context, status_code=status)

    # -- work (in a thread: SQLite) ---------------------------------------------------

    def _with_db(self, function, *args):
        db = self.instance.directory()
        try:
            return function(db, *args)
        finally:
            db.close()

    def _edit_context(self, actor: Actor, record_id: str) -> dict:
        db, private = self.instance.directory(), self.instance.private()
        try:
            record = load_record(db, self.kind.table, record_id)
            if record is None:
                raise HTTPException(404)
            version = remember(private, self.kind.table, record)
            return self._context(db, actor, record, forms.form_values(self.kind, record), version)
        finally:
            db.close()
            private.close()

    def _new_context(self, actor: Actor, organization_id: str) -> dict:
        db = self.instance.directory()
        try:
            record = self._blank(organization_id)
            values = {**forms.form_values(self.kind, record), "organization_id": organization_id}
            return self._context(db, actor, record, values, "", is_new=True)
        finally:
            db.close()

    def _save(self, actor: Actor, record_id: str, values: dict) -> tuple[int, dict]:
        db, private = self.instance.directory(), self.instance.private()
        try:
            current = load_record(db, self.kind.table, record_id)
            if current is None:
                raise HTTPException(404)
            require_organization(actor, owner_of(self.kind, current))
            return self._apply(db, private, actor, current, values, str(values.get("version") or ""))
        finally:
            db.close()
            private.close()

    def _create(self, actor: Actor, values: dict) -> tuple[int, dict]:
        db, private = self.instance.directory(), self.instance.private()
        try:
            blank = self._blank(str(values.get("organization_id") or ""))
            if self.kind.table != "organizations":
                require_organization(actor, blank.get("organization_id"))
            status, context = self._apply(db, private, actor, blank, values, None, is_new=True)
            return (201 if status == 200 else status), context
        finally:
            db.close()
            private.close()

    def _apply(self, db, private, actor, current, values, version, is_new=False) -> tuple[int, dict]:
        kind = self.kind
        terms = options.term_options(db)
        offered = {o.id for group in terms.values() for o in group}
        record, errors = forms.record_from_form(kind, values, None if is_new else current, offered)
        if is_new:
            record.update({k: v for k, v in current.items() if k not in record})
        if errors:
            return 400, self._context(db, actor, current, values, version, errors=errors, is_new=is_new)
        result = save_edit(db, private, self.instance.settings, actor, kind.table, record, version or None)
        if result.status == "stale":
            now = result.record or current
            theirs = conflicts.their_values(now, result.meanwhile, self._names(db, now))
            taken: set[str] = set()
            if result.base is not None:
                # Sections only they changed come into your form; those you both changed stay yours.
                values, conflicting, taken = conflicts.merge_form(
                    forms.form_values(kind, result.base), forms.form_values(kind, now), values,
                    tuple(rows.key for rows in kind.rows),
                )
                theirs = {section: text for section, text in theirs.items() if section in conflicting}
            context = self._context(db, actor, now, values, result.version, conflict=theirs, is_new=is_new)
            context["taken"] = sorted(taken)
            return 412, context
        if result.status == "invalid":
            return 422, self._context(db, actor, current, values, version, problems=result.problems, is_new=is_new)
        saved = result.record or record
        context = self._context(db, actor, saved, forms.form_values(kind, saved), result.version)
        context["message"] = "Saved." if result.status == "saved" else "Nothing had changed."
        context["warnings"] = result.warnings
        context["record_id"] = saved["id"]
        return 200, context

    # -- helpers --------------------------------------------------------------------

    def _require_creator(self, request: Request) -> Actor:
        roles = self.kind.create_roles or {"admin"}
        return require_actor(request, roles=roles)

    def _blank(self, organization_id: str) -> dict:
        record: dict = {"id": str(uuid.uuid4())}
        if self.kind.table == "services":
            record.update(status="active", organization_id=organization_id)
        elif self.kind.table == "locations":
            record.update(location_type="physical", organization_id=organization_id)
        return record

    def _names(self, db, record: dict) -> dict[str, str]:
        names = {o.id: o.label for group in options.term_options(db).values() for o in group}
        if self.kind.locations:
            linked = [s.get("location_id") for s in record.get("service_at_locations") or []]
            names.update({o.id: o.label for o in options.location_options(db, [], [x for x in linked if x])})
        return names

    def _context(
        self,
        db,
        actor: Actor,
        record: dict,
        values: dict,
        version: str,
        *,
        errors: dict | None = None,
        problems: list | None = None,
        conflict: dict | None = None,
        is_new: bool = False,
    ) -> dict:
        kind = self.kind
        organization_id = owner_of(kind, record) if not is_new or kind.table != "organizations" else None
        linked = [s.get("location_id") for s in record.get("service_at_locations") or [] if s.get("location_id")]
        grid = week_grid.grid_from_schedules(record.get("schedules") or []) if kind.week_grid else None
        return {
            "kind": kind,
            "record_id": record.get("id", ""),
            "is_new": is_new,
            "values": values,
            "version": version,
            "errors": errors or {},
            "problems": problems or [],
            "conflict": conflict or {},
            "taken": [],  # sections updated from the other person's save (no choice needed)
            "readonly": not (is_new or may_touch(actor, organization_id)) or actor.role not in (*kind.roles, "admin"),
            "organization_name": options.organization_name(db, organization_id),
            "organization_choices": options.organization_options(db, actor) if is_new else [],
            "terms": options.term_options(db) if kind.terms else {},
            "location_choices": options.location_options(db, [organization_id or ""], linked) if kind.locations else [],
            "row_indices": {rows.key: forms.row_indices(rows, values) for rows in kind.rows},
            "days": [(d, week_grid.DAY_NAMES[d]) for d in DAYS],
            "sessions": range(1, week_grid.SESSIONS + 1),
            "kept_schedules": [week_grid.describe_schedule(s) for s in grid.kept] if grid else [],
            "field_name": week_grid.field_name,
            "public_url": f"/hsds/{kind.table}/{record.get('id')}" if not is_new and kind.table == "services" else "",
        }
