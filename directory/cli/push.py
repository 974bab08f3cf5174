"""`harbour push keys [--rotate]` and `harbour push status`: the alert side of the directory."""

from __future__ import annotations

import argparse
import json

from directory.cli.commands import _instance


def add_parser(sub, common: argparse.ArgumentParser) -> None:
    push = sub.add_parser("push", parents=[common], help="alerts by Web Push: keys and delivery status",
                          description="Phones subscribe from the app, with no account; notices and changes to"
                                      " what they follow reach them as encrypted Web Push messages.")
    actions = push.add_subparsers(dest="push_command", required=True, metavar="ACTION")
    p = actions.add_parser("keys", parents=[common], help="show the VAPID public key (making the pair if missing)")
    p.add_argument("--rotate", action="store_true",
                   help="replace the key pair; every phone must subscribe again (the app does so when it next opens)")
    p.set_defaults(handler=keys)
    p = actions.add_parser("status", parents=[common], help="subscriptions by language and the latest deliveries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=status)


def keys(args: argparse.Namespace) -> int:
    from directory.push.keys import ensure_keys, key_path, public_key, write_new_keys

    instance = _instance(args)
    if args.rotate:
        value = write_new_keys(instance.data_dir)
        private = instance.private()
        try:
            phones = private.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0]
            with private.atomic():  # subscriptions made with the old key would be refused by push services
                private.execute("DELETE FROM push_subscriptions")
        finally:
            private.close()
        print(f"new push key written to {key_path(instance.data_dir)}; {phones} subscriptions made with the old"
              " key were dropped (the app subscribes again when it next opens)")
    elif ensure_keys(instance.data_dir):
        value = public_key(instance.data_dir)
        print(f"push key made in {key_path(instance.data_dir)}")
    else:
        value = public_key(instance.data_dir)
    print(value)
    return 0


def status(args: argparse.Namespace) -> int:
    instance = _instance(args)
    private = instance.private()
    try:
        languages = dict(private.execute(
            "SELECT language, count(*) FROM push_subscriptions GROUP BY language ORDER BY 2 DESC").fetchall())
        deliveries = [dict(row) for row in private.query(
            "SELECT kind, ref, queued, finished, recipients, sent, failed, removed, retried FROM push_deliveries"
            " WHERE recipients > 0 ORDER BY id DESC LIMIT 10")]
    finally:
        private.close()
    if args.json:
        print(json.dumps({"subscriptions": sum(languages.values()), "languages": languages,
                          "deliveries": deliveries}))
        return 0
    print(f"{sum(languages.values())} subscribed phones" + (
        ": " + ", ".join(f"{n} {lang}" for lang, n in languages.items()) if languages else ""))
    for d in deliveries:
        print(f"{d['queued']}  {d['ref'][:40]:<40}  sent {d['sent']}, failed {d['failed']}, removed {d['removed']}")
    return 0

