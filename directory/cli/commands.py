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

    replicator = _replicator(instance, args.replicate)
    run(instance, host=args.host, port=args.port, no_store=args.no_store, replicator=replicator)
    return 0


def _replicator(instance: Instance, url: str | None):
    """Litestream started for --replicate URL, or the `replicate` setting; None for neither."""
    settings = instance.settings
    url = settings.replicate if url is None else url
    if not url:
        return None
    from directory.ops.errors import OpsError
    from directory.ops.replicator import Replicator

    try:
        max_lag = float(settings.replicate_max_lag)
    except (TypeError, ValueError):
        max_lag = 0
    if max_lag <= 0:
        raise UserError(f"replicate_max_lag in harbour.toml must be a positive number of seconds,"
                        f" not {settings.replicate_max_lag!r}")
    try:
        replicator = Replicator(instance.data_dir, url, max_lag)
        replicator.start()
    except OpsError as error:
        raise UserError(str(error)) from None
    return replicator


def import_(args: argparse.Namespace) -> int:
    """A one-off sync of a file, folder, zip or URL: the same readers, rules and report as `harbour sync`."""
    from directory.imports import ImportFailed, import_source
    from directory.sync.feeds import load_mapping

    instance = _instance(args)
    mapping = load_mapping(Path(args.mapping)) if args.mapping else None
    try:
        report = import_source(
            instance, args.source, format=args.format, mapping=mapping, allow_private=args.allow_private,
            progress=not args.json,
        )
    except ImportFailed as error:
        raise UserError(str(error)) from None
    return _print_reports([report], args.json, "import")


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
    with instance.reading() as db:
        result = directory_stats(db)
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


def feeds_add(args: argparse.Namespace) -> int:
    from directory.sync.errors import SyncError
    from directory.sync.feeds import Feed, add_feed, load_mapping, parse_interval

    instance = _instance(args)
    feed = Feed(
        name=args.name,
        url=args.url,
        format=args.format,
        mapping=load_mapping(Path(args.mapping)) if args.mapping else None,
        every_seconds=parse_interval(args.every) if args.every else None,
        allow_private=args.allow_private,
        publisher_id=args.publisher,
    )
    with instance.databases() as (db, private):
        try:
            add_feed(db, private, feed)
        except SyncError as error:
            raise UserError(str(error)) from None
    print(f"feed {feed.name} added ({feed.format}); run 'harbour sync {feed.name}' to fetch it")
    return 0


def feeds_list(args: argparse.Namespace) -> int:
    from directory.sync.feeds import list_feeds

    instance = _instance(args)
    with instance.reading() as db:
        feeds = list_feeds(db)
    if args.json:
        print(json.dumps(feeds, ensure_ascii=False))
        return 0
    if not feeds:
        print("no feeds yet: add one with 'harbour feeds add NAME URL --format F'")
    for f in feeds:
        counts = ", ".join(
            f"{f[k]} {k}" for k in ("fetched", "created", "updated", "unchanged", "deleted", "quarantined")
            if f.get(k) is not None
        )
        print(f"{f['name']:<20} {f['format']:<10} last run {f['last_run'] or 'never'}"
              f" {f['last_result'] or ''} {counts}".rstrip())
    return 0


def feeds_remove(args: argparse.Namespace) -> int:
    from directory.sync.feeds import remove_feed

    instance = _instance(args)
    with instance.databases() as (db, private):
        remove_feed(db, private, args.name)
    print(f"feed {args.name} removed; the records it brought stay")
    return 0


def sync(args: argparse.Namespace) -> int:
    from directory.sync.feeds import feed_names
    from directory.sync.run import sync_feed

    instance = _instance(args)
    private = instance.private()
    try:
        names = feed_names(private) if args.all else args.names
        known = set(feed_names(private))
    finally:
        private.close()
    if not names:
        raise UserError("name the feeds to sync, or give --all")
    if unknown := [n for n in names if n not in known]:
        raise UserError(f"no feed named {unknown[0]!r} (see 'harbour feeds list')")
    reports = [sync_feed(instance, name, progress=not args.json) for name in names]
    from directory.push.dispatch import deliver_changes

    deliver_changes(instance)  # phones following a changed service hear of it now, not at the server's next look
    return _print_reports(reports, args.json, "sync")


def _print_reports(reports: list, as_json: bool, command: str) -> int:
    """The runs' summary (a table with the problems in plain words, or one JSON line); 1 when one failed."""
    import sys

    from directory.sync.problems import KINDS
    from directory.sync.report import COUNTS, summary_table

    failed = [r for r in reports if r.result == "failed"]
    if as_json:
        totals = {k: sum(getattr(r, k) for r in reports) for k in COUNTS}
        overall = "failed" if failed else "ok_with_problems" if any(r.result == "ok_with_problems" for r in reports) else "ok"
        kinds = {kind: {"count": sum(r.problems.counts[kind] for r in reports)} for kind in KINDS}
        result = {**totals, **kinds, "result": overall, "feeds": [r.as_json() for r in reports]}
        if len(reports) == 1:
            result = {**reports[0].as_json(), **totals}
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(summary_table(reports))
    for report in failed:
        print(f"harbour {command}: {report.message}", file=sys.stderr)
    return 1 if failed else 0


def publish(args: argparse.Namespace) -> int:
    from directory.publish.site import PublishError
    from directory.publish.site import publish as publish_site

    instance = _instance(args)
    try:
        publication = publish_site(instance, Path(args.out))
    except PublishError as error:
        raise UserError(str(error)) from None
    summary = publication.summary()
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"published version {summary['version']} ({summary['services']} services,"
              f" {len(summary['languages'])} languages, {summary['files']} files) to {summary['out']}/")
        print(f"  {summary['out']}/site/         the offline app: put it on any static web host")
        print(f"  {summary['out']}/directory.db  the open data: datasette {summary['out']}/directory.db"
              f" --metadata {summary['out']}/datasette-metadata.json --plugins-dir datasette_plugins")
    return 0
