"""What each `harbour` command does, in terms of the library functions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from directory.config import DEMO_SETTINGS, Settings, load_settings, resolve_data_dir
from directory.instance import Instance, init_instance


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _instance(args: argparse.Namespace, must_exist: bool = True) -> Instance:
    instance = Instance(resolve_data_dir(args.data_dir))
    if must_exist and not instance.exists():
        raise UserError(f"no directory at {instance.directory_path}; run 'harbour init' first")
    return instance


def init(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    base = DEMO_SETTINGS if args.demo else load_settings(data_dir)
    settings = Settings(**{**base.__dict__})
    for key in ("name", "country", "timezone"):
        if getattr(args, key):
            setattr(settings, key, getattr(args, key))
    _check_settings(settings)
    from directory.imports import ImportFailed

    try:
        instance = init_instance(data_dir, demo=args.demo, settings=settings)
    except ImportFailed as error:
        raise UserError(str(error)) from None
    db = instance.directory()
    from directory.stats import directory_stats

    stats = directory_stats(db)
    db.close()
    print(f"Harbour directory for {settings.name} ready in {data_dir}/")
    print(f"  {stats['services']} services, {stats['organizations']} organizations, {stats['locations']} locations")
    return 0


def _check_settings(settings: Settings) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {settings.timezone!r} (use an IANA name such as Europe/London)") from None
    if len(settings.country) != 2 or not settings.country.isalpha():
        raise UserError(f"country must be a two-letter ISO 3166 code, not {settings.country!r}")
    settings.country = settings.country.upper()


def serve(args: argparse.Namespace) -> int:
    instance = _instance(args)
    from directory.web.server import run

    run(instance, host=args.host, port=args.port, no_store=args.no_store)
    return 0


def import_(args: argparse.Namespace) -> int:
    from directory.imports import ImportFailed, import_path

    instance = _instance(args)
    db = instance.directory()
    try:
        report = import_path(db, Path(args.file))
    except ImportFailed as error:
        raise UserError(str(error)) from None
    finally:
        db.close()
    for note in report.notes:
        print(f"note: {note}")
    print(report.summary())
    return 0


def export(args: argparse.Namespace) -> int:
    from directory.export import export_datapackage, export_json

    instance = _instance(args)
    db = instance.directory()
    out = Path(args.out)
    try:
        if args.format == "hsds":
            if out.exists() and not out.is_dir():
                raise UserError(f"{out} exists and is not a folder")
            counts = export_datapackage(db, out)
            print(f"{out}/: {counts['services']} services in {sum(1 for n in counts.values() if n)} tables")
        else:
            out.write_text(export_json(db), encoding="utf-8")
            print(f"{out}: written")
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror}") from None
    finally:
        db.close()
    return 0


def stats(args: argparse.Namespace) -> int:
    from directory.stats import directory_stats

    instance = _instance(args)
    db = instance.directory()
    try:
        result = directory_stats(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{instance.settings.name}: version {result['change_version']}")
    for key in ("services", "services_active", "organizations", "locations", "taxonomy_terms"):
        print(f"  {key.replace('_', ' ')}: {result[key]}")
    print("  by category:")
    for name, n in result["categories"].items():
        print(f"    {name}: {n}")
    print("  service translations: " + ", ".join(f"{k} {v}" for k, v in result["translations"].items()))
    return 0
