"""The official HSDS 3.0 OpenAPI document, made usable offline and corrected where it is wrong.

Its responses `$ref` the schemas by their GitHub URLs: those become local references to
the same files, loaded from the HSDS copy into `components/schemas` (their own file-name
references rewritten the same way). Two of the URLs name compiled schemas the copy does
not have (`compiled/service.json`, `compiled/organization.json`): the plain ones stand in.
`/service_at_locations/{id}` answers the service schema by mistake; it gets
`service_at_location.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def hsds_openapi(hsds_dir: Path) -> dict:
    schema_dir = hsds_dir / "schema"
    spec = json.loads((schema_dir / "openapi.json").read_text())
    files = {p.name: p for p in schema_dir.glob("*.json") if p.name != "openapi.json"}
    files.update({p.name: p for p in (schema_dir / "compiled").glob("*_list.json")})
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, path in files.items():
        components[_key(name)] = _local_refs(json.loads(path.read_text()))
    spec["paths"] = _local_refs(spec["paths"])
    sal = spec["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    sal["schema"] = {"$ref": f"#/components/schemas/{_key('service_at_location.json')}"}
    return spec


def _key(file_name: str) -> str:
    return "hsds_" + file_name.removesuffix(".json")


def _local_refs(value: object) -> object:
    """`$ref`s to GitHub URLs or to sibling files, as references into components/schemas."""
    if isinstance(value, list):
        return [_local_refs(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _local_refs(v) for k, v in value.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        name = ref.removeprefix(REMOTE).removeprefix("compiled/")
        out["$ref"] = f"#/components/schemas/{_key(name)}"
    return out
