"""The route table: every write route under /staff/ and /api/ refuses whoever may not write.

Walks `directory.staff.routes.routes(instance)` (so routes other modules add are picked
up without touching this file) and, for each POST/PUT/PATCH/DELETE, proves over a real
server that it refuses
- an anonymous request (401),
- a viewer (403), and any writer role the route's rule leaves out (403),
- an editor or publisher of another organization, on a real demo record, for
  organization-scoped routes (403),
- a form without the session's CSRF token, or with a wrong one (403); on /api/, a
  request that carries only a session cookie (403).
How a route is classified is described in `directory/staff/auth.py` (route rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from starlette.endpoints import HTTPEndpoint
from starlette.routing import Mount, Route

from directory.staff import routes as staff_routes
from directory.staff.auth import ROLES, WRITERS, RouteRule, is_api_path, rule_for
from tests.staff.helpers import bearer, login, make_token, make_user, session_cookie

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SCOPED_SEGMENTS = {"organizations": "organizations", "services": "services", "locations": "locations"}
SCOPED_PARAMS = {"organization_id": "organizations", "service_id": "services", "location_id": "locations"}
PLACEHOLDER = "00000000-0000-4000-8000-000000000000"
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


@dataclass
class WriteRoute:
    path: str  # the template, e.g. /staff/services/{id}
    method: str
    name: str
    rule: RouteRule | None

    @property
    def api(self) -> bool:
        return is_api_path(self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.name})"


def walk(routes: list, prefix: str = "") -> list[tuple[str, Route]]:
    found: list[tuple[str, Route]] = []
    for route in routes:
        if isinstance(route, Mount):
            found += walk(list(route.routes or []), prefix + route.path)
        elif isinstance(route, Route):
            found.append((prefix + route.path, route))
    return found


def methods_of(route: Route) -> set[str]:
    """A function route's methods; for an HTTPEndpoint class, the handlers it defines."""
    if route.methods is not None:
        return set(route.methods)
    endpoint = route.endpoint
    if isinstance(endpoint, type) and issubclass(endpoint, HTTPEndpoint):
        return {m for m in WRITE_METHODS if hasattr(endpoint, m.lower())}
    return set()


def write_routes(instance) -> list[WriteRoute]:
    gathered = []
    for path, route in walk(staff_routes.routes(instance)):
        for method in WRITE_METHODS:
            if method in methods_of(route):
                gathered.append(WriteRoute(path, method, route.name or "", rule_for(route)))
    return gathered


def classify(route: WriteRoute) -> tuple[RouteRule, str | None]:
    """The rule for a route (declared or inferred) and the table its scoped parameter names."""
    params = PARAM.findall(route.path)
    if route.rule is not None:
        return route.rule, route.rule.scope
    scope = None
    for name in params:
        if name in SCOPED_PARAMS:
            scope = SCOPED_PARAMS[name]
            return RouteRule(WRITERS, scope, name), scope
    if "id" in params:
        before = route.path.split("{id")[0].rstrip("/").rsplit("/", 1)[-1]
        scope = SCOPED_SEGMENTS.get(before)
        if scope:
            return RouteRule(WRITERS, scope, "id"), scope
    return RouteRule(WRITERS), None


class Demo:
    """Two organizations of the demo city and real records of the first one."""

    def __init__(self, instance):
        db = instance.directory()
        try:
            self.org_a, self.org_b = [
                row[0]
                for row in db.execute(
                    """SELECT o.id FROM organizations o
                       ORDER BY (SELECT count(*) FROM services s WHERE s.organization_id = o.id)
                              + (SELECT count(*) FROM locations l WHERE l.organization_id = o.id) DESC, o.id
                       LIMIT 2"""
                )
            ]
            self.records: dict[str, str] = {}
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                record = self._record_of_org_a(db, table)
                if record:
                    self.records[table] = record
        finally:
            db.close()

    def _record_of_org_a(self, db, table: str) -> str | None:
        columns = {row[1] for row in db.execute(f"PRAGMA table_info([{table}])")}
        if table == "organizations":
            return self.org_a
        if "id" not in columns:
            return None
        if "organization_id" in columns:
            sql = f"SELECT id FROM [{table}] WHERE organization_id = ? ORDER BY id LIMIT 1"
        elif "service_id" in columns:
            sql = f"SELECT t.id FROM [{table}] t JOIN services s ON s.id = t.service_id WHERE s.organization_id = ? ORDER BY t.id LIMIT 1"
        elif "location_id" in columns:
            sql = f"SELECT t.id FROM [{table}] t JOIN locations l ON l.id = t.location_id WHERE l.organization_id = ? ORDER BY t.id LIMIT 1"
        else:
            return None
        row = db.execute(sql, [self.org_a]).fetchone()
        return row[0] if row else None


def concrete(route: WriteRoute, rule: RouteRule, scope: str | None, demo: Demo) -> tuple[str, dict]:
    """The URL to call and the body fields that name the scoped record (when not in the path)."""
    body: dict = {}
    record = None
    if scope is not None:
        assert scope in demo.records, f"{route}: no demo record in {scope!r} belongs to an organization"
        record = demo.records[scope]
    params = PARAM.findall(route.path)

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name == rule.param and record is not None:
            return record
        return rule.examples.get(name, PLACEHOLDER)

    url = PARAM.sub(fill, route.path)
    if record is not None and rule.param not in params:
        body[rule.param] = record
    assert "{" not in url, f"{route}: path parameters left unfilled: {url}"
    return url, body


class Actors:
    """Signed-in clients and tokens for every role, with organization A or B."""

    def __init__(self, instance, server, demo: Demo):
        self.server = server
        people = {
            "admin": ("admin", ()),
            "viewer": ("viewer", ()),
            "editor_a": ("editor", (demo.org_a,)),
            "editor_b": ("editor", (demo.org_b,)),
            "publisher_a": ("publisher", (demo.org_a,)),
            "publisher_b": ("publisher", (demo.org_b,)),
        }
        self.clients: dict[str, tuple[httpx.Client, str]] = {}
        self.tokens: dict[str, str] = {}
        for key, (role, orgs) in people.items():
            email = f"{key}@matrix.staff.test"
            make_user(instance, email, role, orgs)
            self.clients[key] = login(None, server.url, email)
            self.tokens[key] = make_token(instance, email)

    def close(self) -> None:
        for client, _ in self.clients.values():
            client.close()

    def send(self, route: WriteRoute, url: str, body: dict, who: str | None, csrf: str | None = "session"):
        """One request as `who` (None: anonymous). Forms carry the session's CSRF token unless told."""
        if route.api:
            headers = bearer(self.tokens[who]) if who else {}
            return httpx.request(route.method, self.server.url + url, json=body, headers=headers, timeout=30)
        if who is None:
            return httpx.request(route.method, self.server.url + url, data={**body, "csrf_token": "x"}, timeout=30)
        client, token = self.clients[who]
        form = dict(body)
        if csrf == "session":
            form["csrf_token"] = token
        elif csrf is not None:
            form["csrf_token"] = csrf
        return client.request(route.method, url, data=form)


@pytest.fixture
def matrix(demo_instance, server_for):
    demo = Demo(demo_instance)
    server = server_for(demo_instance)
    actors = Actors(demo_instance, server, demo)
    yield demo_instance, demo, actors
    actors.close()


def check_route(route: WriteRoute, demo: Demo, actors: Actors) -> list[str]:
    """Every refusal this route owes; returns what went wrong (empty when all is well)."""
    rule, scope = classify(route)
    url, body = concrete(route, rule, scope, demo)
    problems: list[str] = []

    def expect(status: int, answer: httpx.Response, case: str) -> None:
        if answer.status_code != status:
            problems.append(f"{route}: {case}: expected {status}, got {answer.status_code} {answer.text[:120]!r}")

    if rule.anonymous:
        answer = httpx.request(route.method, actors.server.url + url, data=body, timeout=30)
        expect(403, answer, "anonymous form without its CSRF token")
        return problems

    expect(401, actors.send(route, url, body, None), "anonymous")
    for role in ("viewer", "editor", "publisher"):
        if role in rule.roles:
            continue
        who = "viewer" if role == "viewer" else f"{role}_a"
        expect(403, actors.send(route, url, body, who), f"{role} (role not allowed)")
    if scope is not None:
        for role in ("editor", "publisher"):
            if role in rule.roles:
                expect(403, actors.send(route, url, body, f"{role}_b"), f"{role} of another organization")
    if route.api:
        cookie = session_cookie(actors.clients["admin"][0])
        answer = httpx.request(
            route.method,
            actors.server.url + url,
            json=body,
            headers={"Cookie": f"harbour_session={cookie}"},
            timeout=30,
        )
        expect(403, answer, "admin with only a session cookie on the API")
    else:
        expect(403, actors.send(route, url, body, "admin", csrf=None), "admin form without a CSRF token")
        expect(403, actors.send(route, url, body, "admin", csrf="forged-token"), "admin form with a wrong CSRF token")
    return problems


def test_route_table_lists_the_account_write_routes(demo_instance):
    found = {str(route) for route in write_routes(demo_instance)}
    assert "POST /staff/logout (accounts.logout)" in found
    assert "POST /staff/login (accounts.login)" in found
    assert "DELETE /api/token (accounts.revoke_own_token)" in found


def test_every_staff_and_api_write_route_refuses_who_may_not_write(matrix):
    instance, demo, actors = matrix
    routes = write_routes(instance)
    problems: list[str] = []
    for route in routes:
        problems += check_route(route, demo, actors)
    assert not problems, "\n".join(problems)
    # The refused requests wrote nothing about anyone into the public database.
    from tests.staff.test_security import emails_in_directory

    assert emails_in_directory(instance, "@matrix.staff.test") == []


def test_matrix_catches_a_write_route_that_forgets_its_checks(matrix):
    """A route that checks nothing itself: the middleware still refuses anonymous and CSRF-less
    writes, and the matrix reports the viewer and the other organization getting through."""
    instance, demo, actors = matrix
    # The server is already running with the real routes; point a fake route at one of them
    # that lets any signed-in user post (sign-out), and declare it organization-scoped.
    route = WriteRoute("/staff/logout", "POST", "fake.careless", RouteRule(frozenset(WRITERS), "services", "id"))
    problems = check_route(route, demo, actors)
    assert any("viewer (role not allowed)" in p for p in problems), problems
    assert any("editor of another organization" in p for p in problems), problems
    assert not any("anonymous" in p for p in problems), problems
    assert not any("CSRF" in p for p in problems), problems


def test_route_walk_finds_endpoint_classes_and_mounted_routes():
    class Thing(HTTPEndpoint):
        async def get(self, request): ...

        async def patch(self, request): ...

    found = walk([Mount("/staff/things", routes=[Route("/{id}", Thing)])])
    assert [(path, methods_of(route)) for path, route in found] == [("/staff/things/{id}", {"PATCH"})]


def test_routes_with_unknown_parameters_are_classified_by_their_declared_rule():
    declared = RouteRule(frozenset({"publisher"}), "organizations", "org", {"name": "kingsmere"})
    route = WriteRoute("/staff/feeds/{name}/orgs/{org}", "POST", "feeds.x", declared)
    rule, scope = classify(route)
    assert (rule, scope) == (declared, "organizations")
    inferred, scope = classify(WriteRoute("/api/services/{id}", "PUT", "x", None))
    assert scope == "services" and inferred.param == "id"
    inferred, scope = classify(WriteRoute("/staff/notices/{id}/end", "POST", "x", None))
    assert scope is None
    assert set(ROLES) >= inferred.roles
