"""A service's `source`: where the listing came from, from its live provenance.

    {"kind": "feed", "names": ["Kingsmere City Council feed"], "by": ["Kingsmere City Council"]}

`kind` is the first of feed, import, staff, demo that still publishes the service;
`names` are the feeds' names and `by` their publishers (organization names, in the
bundle's language). Provenance sources are `feed:NAME`, `import:FILE`, `staff:ROLE`
or `demo` (directory/store/records.py), all public.
"""

from __future__ import annotations

from directory.bundle.localiser import Localiser, compact

KINDS = ("feed", "import", "staff", "demo")


def source_of(sources: list[str], feed_publishers: dict[str, str], organizations: dict[str, dict],
              local: Localiser) -> dict | None:
    kinds = {source.partition(":")[0] for source in sources}
    kind = next((k for k in KINDS if k in kinds), None)
    if kind is None:
        return None
    feeds = list(dict.fromkeys(s.partition(":")[2] for s in sources if s.startswith("feed:")))
    publishers = []
    for feed in feeds:
        organization = organizations.get(feed_publishers.get(feed, ""))
        name = local.text("organizations", organization, "name", "source") if organization else None
        if name and name not in publishers:
            publishers.append(name)
    return compact({"kind": kind, "names": feeds, "by": publishers})
