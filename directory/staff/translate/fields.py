"""Which text people read, per table: the fields translators work on.

Only these are offered for translation; a field absent or blank in the source
language has nothing to translate and is never counted as missing.
"""

from __future__ import annotations

TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "services": (
        "name",
        "description",
        "eligibility_description",
        "fees_description",
        "application_process",
        "interpretation_services",
        "alert",
    ),
    "taxonomy_terms": ("name", "description"),
    "notices": ("title", "body"),
}

# Fields that are a line of text; the others get a text area.
SHORT_FIELDS = {"name", "title"}

TABLE_LABELS = {"services": "Service", "taxonomy_terms": "Category or attribute", "notices": "Notice"}

FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "eligibility_description": "Who it is for",
    "fees_description": "Cost",
    "application_process": "How to get it",
    "interpretation_services": "Interpreting",
    "alert": "Alert",
    "title": "Title",
    "body": "Message",
}

# Records readers no longer see are not worth a translator's time.
HIDDEN = {
    "services": """id IN (SELECT record_id FROM provenance WHERE table_name = 'services'
                          GROUP BY record_id HAVING count(deleted_at) = count(*))""",
    "taxonomy_terms": "0",
    "notices": "withdrawn IS NOT NULL",
}


def label_column(table: str) -> str:
    return "title" if table == "notices" else "name"
