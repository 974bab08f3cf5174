"""Alerts by Web Push: VAPID keys, anonymous subscriptions, and encrypted fan-out.

    keys.py           the instance's VAPID key pair (a file in the data dir, mode 600)
    subscriptions.py  checking and storing what a phone asked for (private.db)
    audience.py       who a notice or a set of changed services reaches
    messages.py       the text of each message, in the subscriber's language
    sender.py         encrypting and posting, concurrently, with retries
    dispatch.py       what to send now: due notices and changes from the change log
    routes.py         GET /push/key, POST /push/subscribe, POST /push/unsubscribe
"""
