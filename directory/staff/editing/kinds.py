"""What staff can edit of each kind of record, declared once for the forms, pages and checks.

Only fields a reader sees (in the PWA, the HSDS API or Datasette) are on the forms;
the labels say what a field means to a reader ("Who it is for"), not its HSDS name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERVICE_STATUSES = (
    ("active", "Active"),
    ("temporarily closed", "Temporarily closed"),
    ("inactive", "Inactive (not running for now)"),
    ("defunct", "Closed for good"),
)
PHONE_TYPES = (
    ("voice", "Voice"),
    ("cell", "Mobile"),
    ("text", "Text messages"),
    ("textphone", "Textphone"),
    ("video", "Video"),
    ("fax", "Fax"),
)
LOCATION_TYPES = (("physical", "A place people visit"), ("postal", "Postal only"), ("virtual", "Online or by phone"))


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text | textarea | url | email | number | select
    hint: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RowList:
    """A child list edited as rows of inputs (phones, costs); a row whose `main` is empty is left out."""

    key: str
    label: str
    fields: tuple[Field, ...]
    main: str
    hint: str = ""
    blank_rows: int = 2


@dataclass(frozen=True)
class Kind:
    table: str  # services | organizations | locations
    path: str  # /staff/{path}
    singular: str
    plural: str
    roles: frozenset[str]  # who may edit one (admin always may)
    fields: tuple[Field, ...]
    rows: tuple[RowList, ...] = ()
    address: tuple[Field, ...] = ()  # one physical address (locations)
    week_grid: bool = False
    languages: bool = False
    documents: bool = False
    terms: bool = False
    locations: bool = False
    create_roles: frozenset[str] = field(default_factory=frozenset)


PHONES = RowList(
    "phones",
    "Phone numbers",
    (
        Field("number", "Number", "tel"),
        Field("extension", "Extension", "number"),
        Field("type", "Kind", "select", choices=PHONE_TYPES),
        Field("description", "When to call, who answers"),
    ),
    main="number",
    hint="Leave a number empty to remove it.",
)

SERVICE = Kind(
    table="services",
    path="services",
    singular="service",
    plural="Services",
    roles=frozenset({"editor", "publisher"}),
    create_roles=frozenset({"editor", "publisher"}),
    fields=(
        Field("name", "Name", required=True, hint="What people would call it, in plain words."),
        Field("alternate_name", "Other name"),
        Field("status", "Status", "select", required=True, choices=SERVICE_STATUSES,
              hint="Instead of deleting a service, say it is closed."),
        Field("alert", "Alert", "textarea", hint="Shown first, e.g. “Closed until 3 March”."),
        Field("description", "What it offers", "textarea"),
        Field("eligibility_description", "Who it is for", "textarea",
              hint="Say who can use it; never label people “vulnerable”."),
        Field("minimum_age", "Youngest age", "number"),
        Field("maximum_age", "Oldest age", "number"),
        Field("application_process", "How to apply or get in touch", "textarea"),
        Field("fees_description", "Fees", "textarea"),
        Field("interpretation_services", "Interpreting", "textarea"),
        Field("url", "Web address", "url"),
        Field("email", "E-mail", "email"),
    ),
    rows=(
        PHONES,
        RowList(
            "cost_options",
            "Costs",
            (
                Field("option", "What is paid for"),
                Field("amount", "Amount", "number"),
                Field("currency", "Currency"),
                Field("amount_description", "Details"),
            ),
            main="option",
        ),
    ),
    week_grid=True,
    languages=True,
    documents=True,
    terms=True,
    locations=True,
)

ORGANIZATION = Kind(
    table="organizations",
    path="organizations",
    singular="organization",
    plural="Organizations",
    roles=frozenset({"editor"}),
    create_roles=frozenset(),  # admins only: an editor would not belong to the new one
    fields=(
        Field("name", "Name", required=True),
        Field("alternate_name", "Other name"),
        Field("description", "What the organization does", "textarea"),
        Field("legal_status", "Legal status", hint="e.g. Registered charity, community group"),
        Field("year_incorporated", "Year founded", "number"),
        Field("website", "Website", "url"),
        Field("email", "E-mail", "email"),
    ),
    rows=(PHONES,),
)

LOCATION = Kind(
    table="locations",
    path="locations",
    singular="location",
    plural="Locations",
    roles=frozenset({"editor", "publisher"}),
    create_roles=frozenset({"editor", "publisher"}),
    fields=(
        Field("name", "Name", required=True),
        Field("alternate_name", "Other name"),
        Field("location_type", "Kind of place", "select", required=True, choices=LOCATION_TYPES),
        Field("description", "How to find it", "textarea"),
        Field("transportation", "Getting there", "textarea"),
        Field("latitude", "Latitude", "number"),
        Field("longitude", "Longitude", "number"),
        Field("url", "Web address", "url"),
    ),
    address=(
        Field("address_1", "Street address"),
        Field("address_2", "Building, floor"),
        Field("city", "Town or city"),
        Field("state_province", "County or region"),
        Field("postal_code", "Postcode"),
        Field("country", "Country code", hint="Two letters, e.g. GB"),
    ),
    rows=(
        RowList(
            "accessibility",
            "Accessibility",
            (Field("description", "What is accessible"), Field("details", "Details")),
            main="description",
        ),
        PHONES,
    ),
    week_grid=True,
    languages=True,
)

KINDS = {kind.table: kind for kind in (SERVICE, ORGANIZATION, LOCATION)}
