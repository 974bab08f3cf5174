"""How the service tables describe a service: `svc()` records one, `tr()` fills a template.

A service is written once, in the services_*.py tables, with its name and description
sentences in all six languages (see phrases.LANGS).  Everything else (ids, nested HSDS
records, dates) is worked out by generate.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Text = tuple[str, str, str, str, str, str]  # en, ar, prs, uk, fr, es


@dataclass
class Spec:
    slug: str
    org: str
    cats: list[str]
    attrs: list[str]
    name: Text
    desc: list[Text]
    at: list[str]
    hours: list[tuple] = field(default_factory=list)
    langs: list[str] = field(default_factory=lambda: ["en"])
    elig: str | None = None
    apply: str | None = None
    fees: str | None = None
    interp: str | None = None
    status: str = "active"
    alert: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    docs: list = field(default_factory=list)
    cost: list | None = None  # [(option, amount, description)]; None means work it out
    phone: str = "org"  # org | own | mobile | freephone | a literal number
    phone2: tuple | None = None  # (kind or number, description)
    phone_desc: str | None = None
    email: str | None = None
    url: str | None = None
    areas: list[str] | None = None
    contacts: list[tuple] = field(default_factory=list)  # (name, title, email)
    said: list[str] = field(default_factory=list)  # attributes the sentences already cover
    extra: int | None = None  # how many attribute sentences to add; None means decide
    alt: str | None = None  # alternate name
    accreditations: str | None = None


SERVICES: list[Spec] = []


def svc(slug, org, cats, attrs, name, desc, at, **kw) -> Spec:
    if isinstance(cats, str):
        cats = [cats]
    spec = Spec(slug=slug, org=org, cats=list(cats), attrs=list(attrs), name=tuple(name),
                desc=[tuple(d) for d in desc], at=list(at), **kw)
    for text in [spec.name, *spec.desc]:
        if len(text) != 6 or not all(isinstance(t, str) and t.strip() for t in text):
            raise ValueError(f"{slug}: every phrase needs six non-empty translations: {text!r}")
    SERVICES.append(spec)
    return spec


def tr(template: Text, **fill) -> Text:
    """Fill a six-language template; each filler is a string or a six-tuple."""
    out = []
    for i, t in enumerate(template):
        values = {k: (v if isinstance(v, str) else v[i]) for k, v in fill.items()}
        out.append(t.format(**values))
    return tuple(out)


def same(text: str) -> Text:
    """A proper name that stays the same in every language."""
    return (text,) * 6
