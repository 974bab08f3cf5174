"""`harbour notices add|list|withdraw`: urgent notices from the command line.

The same functions as the /staff/notices pages (directory.staff.notices.store).
"""

from __future__ import annotations

import argparse
import json

from directory.cli.commands import UserError, _instance

PUSHED = ("Phones subscribed to its topic get it as an alert (Web Push) when it starts; the app shows it"
          " at the top, online or offline.")


def add_parser(sub, common: argparse.ArgumentParser) -> None:
    notices = sub.add_parser("notices", parents=[common], help="post, list and withdraw urgent notices",
                             description="Urgent notices shown at the top of the app. " + PUSHED)
    actions = notices.add_subparsers(dest="notices_command", required=True, metavar="ACTION")
    p = actions.add_parser("add", parents=[common], help="post a notice now",
                           description="Post an urgent notice; it shows in the app at once. " + PUSHED)
    p.add_argument("--title", required=True, help="a short headline in the directory's source language")
    p.add_argument("--body", required=True, help="the message")
    p.add_argument("--topic", default="notices", metavar="TOPIC",
                   help="who it is for: notices (everyone, the default), category:ID (a category's id or code,"
                        " e.g. category:housing), area:ID (an area such as a postcode district) or service:ID")
    p.add_argument("--severity", default="info", choices=["info", "warning", "urgent"], help="default: info")
    p.add_argument("--starts", default="", help="when it starts showing (ISO date or date-time, local time unless it has a zone; default: now)")
    p.add_argument("--ends", default="", help="when it stops showing (default: until withdrawn)")
    p.add_argument("--json", action="store_true",
                   help='print {"id": …, "sent": n, "failed": n, "removed": n} as one JSON object, the last line')
    p.set_defaults(handler=add)
    p = actions.add_parser("list", parents=[common], help="current, upcoming, past and withdrawn notices")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)
    p = actions.add_parser("withdraw", parents=[common], help="take a notice down at once")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=withdraw)


def add(args: argparse.Namespace) -> int:
    from directory.push.dispatch import deliver_notice  # loaded first: it is sent the moment it is stored
    from directory.staff.notices.store import NoticeError, NoticeInput, create_notice, parse_topic

    instance = _instance(args)
    db, private = instance.directory(), instance.private()
    try:
        target, value = parse_topic(args.topic)
        # Starting now (or in the past): public at once. Later: kept in private.db until it starts.
        notice_id = create_notice(db, NoticeInput(
            title=args.title, body=args.body, severity=args.severity, target=target, target_value=value,
            starts=args.starts, ends=args.ends, timezone=instance.settings.timezone,
        ), private)
    except NoticeError as error:
        raise UserError(str(error)) from None
    finally:
        db.close()
        private.close()
    delivery = deliver_notice(instance, notice_id)  # None: it starts later; `harbour serve` sends it then
    counts = delivery.outcome.counts() if delivery else {"sent": 0, "failed": 0, "removed": 0}
    if args.json:
        print(json.dumps({"id": notice_id, **counts}))
    elif delivery is None:
        print(f"notice {notice_id} posted; it will be pushed to phones when it starts")
    else:
        print(f"notice {notice_id} posted; pushed to {counts['sent']} phones"
              f" ({counts['failed']} failed, {counts['removed']} unsubscribed phones removed)")
    return 0


def list_(args: argparse.Namespace) -> int:
    from directory.staff.notices.store import list_notices, publish_due_notices

    instance = _instance(args)
    db, private = instance.directory(), instance.private()
    try:
        publish_due_notices(db, private)  # one whose start came while no server ran: public now
        groups = list_notices(db, private)
    finally:
        db.close()
        private.close()
    if args.json:
        print(json.dumps(groups, ensure_ascii=False))
        return 0
    for group, notices in groups.items():
        for notice in notices:
            print(f"{group:<9}  {notice['severity']:<7}  {notice['id']}  {notice['title']}")
    return 0


def withdraw(args: argparse.Namespace) -> int:
    from directory.staff.notices.store import get_notice, withdraw_notice

    instance = _instance(args)
    db, private = instance.directory(), instance.private()
    try:
        if get_notice(db, args.id, private) is None:
            raise UserError(f"no notice {args.id} (see 'harbour notices list')")
        if not withdraw_notice(db, args.id, private):
            raise UserError(f"notice {args.id} was withdrawn already")
    finally:
        db.close()
        private.close()
    print(f"notice {args.id} withdrawn")
    return 0
