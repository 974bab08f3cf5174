"""/staff/verify: the dashboard, and POST /staff/verify/services/{id} ("still correct").

The dashboard answers "what needs a look?": listings not verified for 6 and 12
months, feeds whose last run failed or was not believed, records set aside with
their reasons, and the review queue; with three small charts (services per
category, translation completeness per language, listings by months since
verification), each next to a table of the same figures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from directory.config import UI_LANGUAGES
from directory.instance import Instance
from directory.staff.accounts.templating import render
from directory.staff.auth import check_csrf, may_touch, require_actor, require_organization, writes
from directory.staff.translate.queries import completeness
from directory.staff.verify import queries
from directory.staff.verify.assure import mark_verified
from directory.staff.verify.charts import Bar, bar_chart, percent

SHOWN = 25  # rows per list on the dashboard; "show all" lists every one
AGE_COLOURS = ("#2e7d32", "#558b2f", "#f9a825", "#ef6c00", "#c62828", "#6d4c41")



def routes(instance: Instance) -> list:
    async def dashboard(request: Request) -> Response:
        actor = require_actor(request)
        show = request.query_params.get("show")
        context = await run_in_threadpool(_dashboard, instance, show)
        for listing_group in ("stale_12", "stale_6"):
            for row in context[listing_group]:
                row["may_verify"] = may_touch(actor, row["organization_id"])
        context["verified"] = request.query_params.get("verified")
        return render(request, "verify/dashboard.html", context)

    @writes(roles={"editor", "publisher"}, scope="services", param="id")
    async def verify(request: Request) -> Response:
        actor = require_actor(request, roles={"editor", "publisher"})
        await check_csrf(request)
        service_id = request.path_params["id"]
        form = await request.form()

        def work() -> str:
            with instance.databases() as (db, private):
                row = db.execute("SELECT organization_id, name FROM services WHERE id = ?", [service_id]).fetchone()
                if row is None:
                    raise HTTPException(404, "No such service.")
                require_organization(actor, row[0])
                mark_verified(db, private, actor, service_id, datetime.now(UTC).date().isoformat())
                return row[1]

        name = await run_in_threadpool(work)
        back = str(form.get("next") or "/staff/verify")
        if not back.startswith("/staff/") or back.startswith("//"):
            back = "/staff/verify"
        separator = "&" if "?" in back else "?"
        return RedirectResponse(f"{back}{separator}{urlencode({'verified': name})}", status_code=303)

    return [
        Route("/staff/verify", dashboard, methods=["GET"], name="verify.dashboard"),
        Route("/staff/verify/services/{id}", verify, methods=["POST"], name="verify.service"),
    ]


def _dashboard(instance: Instance, show: str | None) -> dict:
    settings = instance.settings
    today = datetime.now(UTC).date()
    with instance.databases() as (db, private):
        listings = queries.listings(db, today)
        stale_6 = queries.not_verified_for(listings, 6)
        stale_12 = queries.not_verified_for(listings, 12)
        stale_6_only = [r for r in stale_6 if r.months is not None and r.months < 12]  # the rest are listed above
        categories = queries.services_per_category(db)
        languages = [code for code in settings.languages if code != settings.source_language]
        translated = {code: completeness(db, code) for code in languages}
        context = {
            "listed": len(listings),
            "stale_6_count": len(stale_6),
            "stale_12_count": len(stale_12),
            "stale_6_only_count": len(stale_6_only),
            "stale_6": [_row(r) for r in (stale_6_only if show == "6" else stale_6_only[:SHOWN])],
            "stale_12": [_row(r) for r in (stale_12 if show == "12" else stale_12[:SHOWN])],
            "shown": SHOWN,
            "failed_feeds": queries.failed_feeds(db),
            "quarantine": queries.quarantine_rows(private, limit=-1 if show == "quarantine" else SHOWN),
            "quarantine_count": queries.quarantine_count(private),
            "review": queries.review_counts(private),
        }
    bands = queries.age_bands(listings)
    context["age_bands"] = bands
    context["age_chart"] = bar_chart(
        "chart-age", "Listings by months since they were last verified",
        [Bar(label, count, str(count), colour) for (label, count), colour in zip(bands, AGE_COLOURS)],
    )
    context["categories"] = categories
    context["category_chart"] = bar_chart(
        "chart-categories", "Listed services per category", [Bar(name, count, str(count)) for name, count in categories]
    )
    context["translations"] = [
        {"code": code, "name": UI_LANGUAGES.get(code, code), **counts,
         "percent": percent(counts["current"], counts["total"])}
        for code, counts in translated.items()
    ]  # fmt: skip
    context["translation_chart"] = bar_chart(
        "chart-translations", "Share of texts translated and up to date, per language",
        [Bar(f"{t['name']} ({t['code']})", t["percent"], f"{t['percent']} %") for t in context["translations"]],
        maximum=100,
    )
    return context


def _row(listing: queries.Listing) -> dict:
    return {
        "id": listing.id,
        "name": listing.name,
        "organization_id": listing.organization_id,
        "organization": listing.organization,
        "assured_date": listing.assured_date,
        "months": listing.months,
    }
