"""POST /api/publish: an organization publishes its services, merged exactly like a feed.

The body is a JSON list of HSDS services (or `{"services": […]}`, or an HSDS page
`{"contents": […]}`), sent with the Bearer token of a publisher. Every service must
belong to the publisher's organization (one without an organization is put under
it); if any names another organization, or reaches into another organization's
records by id, nothing is saved and the answer is 403. Otherwise each service
goes through the sync engine's merge (`land`) under the source
`publisher:{organization id}`, one transaction for the lot: 201 with the counts,
and the reasons for each service that was quarantined.
"""

from __future__ import annotations

import copy

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from directory.ids import is_uuid
from directory.instance import Instance
from directory.staff import audit
from directory.staff.auth import Actor, check_csrf, require_actor, require_organization
from directory.staff.editing import ownership
from directory.staff.editing.clean import edit_context
from directory.staff.editing.versions import load_record, write_lock
from directory.store import Source
from directory.sync.merge import known_record, land, other_sources_exist, raw_source_id
from directory.sync.normalise import InvalidRecord, normalise_service
from directory.sync.quarantine import quarantined, release
from directory.sync.report import RunReport
from directory.web.json_body import read_json

MAX_SERVICES = 5000
# Parsed JSON takes some twenty times its size in memory: a larger catalogue goes in several requests.
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32  # a page of full services nests about ten levels


def publish_route(instance: Instance):
    async def publish(request: Request) -> Response:
        actor = require_actor(request, roles={"publisher"})
        await check_csrf(request)
        organization_id = _organization(actor, request.query_params.get("organization_id", ""))
        require_organization(actor, organization_id)
        services = _services(await read_json(request, max_bytes=MAX_BODY_BYTES, max_depth=MAX_DEPTH))
        report = await run_in_threadpool(_publish, instance, actor, organization_id, services)
        return JSONResponse(report, status_code=201)

    return publish


def _organization(actor: Actor, asked: str) -> str:
    if asked:
        return asked
    if len(actor.organizations) == 1:
        return next(iter(actor.organizations))
    raise HTTPException(400, "Say which organization publishes: ?organization_id=…")


def _services(body: object) -> list[dict]:
    if isinstance(body, dict):
        body = body.get("services", body.get("contents"))
    if not isinstance(body, list) or not all(isinstance(s, dict) for s in body):
        raise HTTPException(400, "Send a JSON list of HSDS services.")
    if len(body) > MAX_SERVICES:
        raise HTTPException(413, f"At most {MAX_SERVICES} services in one request.")
    return body


def _claim(raw: dict, organization_id: str) -> dict:
    """The service under the publisher's organization; 403 if it names another one."""
    raw = copy.deepcopy(raw)
    nested = raw.pop("organization", None)
    named = {str(v) for v in (raw.get("organization_id"), nested.get("id") if isinstance(nested, dict) else None) if v}
    if named - {organization_id}:
        raise HTTPException(403, f"Service {raw.get('id', '(no id)')} names another organization; publish only your own.")
    raw["organization_id"] = organization_id
    for link in raw.get("service_at_locations") or []:
        location = link.get("location") if isinstance(link, dict) else None
        if isinstance(location, dict) and not location.get("organization_id"):
            location["organization_id"] = organization_id  # a site it describes is its own
    return raw


def _publish(instance: Instance, actor: Actor, organization_id: str, raws: list[dict]) -> dict:
    db, private = instance.directory(), instance.private()
    source = Source(f"publisher:{organization_id}")
    try:
        ctx = edit_context(db, instance.settings, feed_name=source.name)
        claimed = [_claim(raw, organization_id) for raw in raws]
        report = RunReport(feed=source.name)
        check_duplicates = other_sources_exist(db, source)
        landed: list[tuple[str, dict | None]] = []
        released: list[str] = []
        with write_lock(db):
            # Every check before any write: a refusal leaves nothing behind, quarantine included.
            checked = [(raw, _check(db, actor, raw, ctx)) for raw in claimed]
            for raw, record_id in checked:
                known = known_record(db, source, raw_source_id(raw) or "") if raw_source_id(raw) else None
                record_id = known.record_id if known else record_id
                before = load_record(db, "services", record_id) if record_id else None
                report.fetched += 1
                quarantined_before = report.quarantined
                source_id = land(db, private, raw, source, ctx, report, check_duplicates)
                if source_id and report.quarantined == quarantined_before:
                    released.append(source_id)
                landed.append((record_id or "", before))
            after = {rid: load_record(db, "services", rid) for rid, _ in landed if rid}
        release(private, source.name, released)
        for record_id, before in landed:
            if record_id and after.get(record_id) is not None:
                audit.record_change(private, actor, "services", record_id, before, after[record_id])
        sent_ids = {sid for raw in claimed if (sid := raw_source_id(raw))}
        rejected = [
            {"id": q["source_id"], "reasons": q["reasons"]}
            for q in quarantined(private, source.name)
            if q["source_id"] in sent_ids
        ]
        counts = {k: getattr(report, k) for k in ("created", "updated", "unchanged", "quarantined", "duplicates")}
        return {"organization_id": organization_id, "received": len(raws), **counts, "rejected": rejected}
    finally:
        db.close()
        private.close()


def _check(db, actor: Actor, raw: dict, ctx) -> str | None:
    """The service's id once normalised; 403 when it would touch another organization's records."""
    if raw.get("id") is not None and is_uuid(str(raw["id"])):
        exists, owner = ownership.owner_of(db, "services", str(raw["id"]))
        if exists and owner != raw["organization_id"] and actor.role != "admin":
            raise HTTPException(403, f"Service {raw['id']} belongs to another organization.")
    try:
        clean = normalise_service(raw, ctx).record
    except InvalidRecord:
        return None  # land() quarantines it with every reason
    ownership.check_record(db, actor, "services", clean)
    return clean["id"]
