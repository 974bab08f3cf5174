"""Turning bundle values into what a person reads: hours, dates, money, phone links, text.

The Python twin of `pwa/format.js`, so the server pages say what the phone says.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import nh3
from markupsafe import Markup

from directory.web.pages.strings import Translator, direction

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# What the sync normaliser may have let through, minus links and anything with attributes.
DESCRIPTION_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i"}
ARABIC_INDIC = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}})
SENTENCE_END = re.compile(r"(?<=[.!?؟።।])\s")
NTH_DAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def tel_href(number: str, ext: str | None = None) -> str | None:
    """`tel:` wants ASCII digits only; the number as written stays on screen."""
    ascii_number = str(number).translate(ARABIC_INDIC).strip()
    digits = re.sub(r"[^0-9]", "", ascii_number)
    if not digits:
        return None
    extension = re.sub(r"[^0-9]", "", str(ext or "").translate(ARABIC_INDIC))
    plus = "+" if ascii_number.startswith("+") else ""
    return f"tel:{plus}{digits}{',' + extension if extension else ''}"


def geo_href(location: dict) -> str | None:
    if "lat" in location and "lon" in location:
        return f"geo:{location['lat']},{location['lon']}"
    if location.get("address"):  # Android's maps search the address when there is no point
        return "geo:0,0?q=" + quote(location["address"])
    return None


def web_url(url: str | None) -> str | None:
    """Only web links: a feed's `javascript:` URL must never become a link."""
    return url if url and re.match(r"^https?://", url, re.IGNORECASE) else None


def format_date(iso: str | None, t: Translator) -> str:
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", str(iso or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return str(iso or "")
    year, month, day = (int(part) for part in match.groups())
    return t("date_format", day=day, month=t(f"month_{month}"), year=year)


def format_money(amount: object, currency: str | None) -> str:
    try:
        number = float(amount)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    shown = f"{number:.0f}" if number == int(number) else f"{number:.2f}"
    code = (currency or "").upper()
    return f"{CURRENCY_SYMBOLS[code]}{shown}" if code in CURRENCY_SYMBOLS else " ".join(filter(None, [shown, code]))


def cost_lines(service: dict) -> list[str]:
    lines = []
    for cost in service.get("costs", []):
        parts = [cost.get("option"), format_money(cost.get("amount"), cost.get("currency")), cost.get("description")]
        line = " · ".join(p for p in parts if p)
        if line:
            lines.append(line)
    return lines


def _days(byday: str | None) -> list[str] | None:
    """Plain weekly day codes in week order, or None when the rule is not a plain weekly one."""
    codes = [d.strip().upper() for d in str(byday or "").split(",") if d.strip()]
    if not codes or any(c not in DAYS for c in codes):
        return None
    return sorted(set(codes), key=DAYS.index)


def _times(schedule: dict) -> str:
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    return f"{opens}–{closes}" if opens and closes else opens or ""


def _rule_words(schedule: dict, t: Translator) -> str:
    """"Every month: first Saturday" from an RRULE-like schedule, in the PWA's words."""
    days = []
    for token in str(schedule.get("byday") or "").split(","):
        match = NTH_DAY.match(token.strip().upper())
        if not match:
            continue
        nth, day = match.groups()
        days.append(t("rule_nth_day", nth=t(f"nth_{int(nth)}"), day=t(f"day_{day}")) if nth else t(f"day_{day}"))
    if not days:
        return ""
    monthly = str(schedule.get("freq") or "").upper() == "MONTHLY"
    return t("rule_monthly", days=", ".join(days)) if monthly else ", ".join(days)


def week(service: dict, t: Translator) -> dict:
    """{rows: [(day name, [times…])] Monday to Sunday, or [] without weekly hours; rules; notes}.

    Weekly hours fill the table; monthly and other rules become `rules` in words,
    and the schedules' own descriptions `notes`.
    """
    by_day: dict[str, list[str]] = {day: [] for day in DAYS}
    rules: list[str] = []
    notes: list[str] = []
    weekly = False
    for schedule in service.get("schedules", []):
        days, times = _days(schedule.get("byday")), _times(schedule)
        if days and times and str(schedule.get("freq") or "WEEKLY").upper() == "WEEKLY":
            weekly = True
            for day in days:
                by_day[day].append(times)
        elif words := " ".join(filter(None, [_rule_words(schedule, t), times])):
            rules.append(words)
        if schedule.get("description") and schedule["description"] not in notes:
            notes.append(schedule["description"])
    rows = [(t(f"day_{day}"), sorted(by_day[day])) for day in DAYS] if weekly else []
    return {"rows": rows, "rules": rules, "notes": notes}


def hours_in_words(service: dict, t: Translator) -> list[tuple[str, str]]:
    """[(days, times)] such as ("Monday–Friday", "08:00–18:30"): runs of days with the same hours.

    Times are kept apart so the page can show them left to right in any script.
    Other rules follow as [(words, "")]; with no rule at all, the schedules' descriptions.
    """
    table = week(service, t)
    extra = [(words, "") for words in table["rules"] or ([] if table["rows"] else table["notes"])]
    runs: list[tuple[int, int, str]] = []
    for index, (_, times) in enumerate(table["rows"]):
        text = ", ".join(times)
        if runs and text and runs[-1][2] == text and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, text)
        elif text:
            runs.append((index, index, text))
    return [
        (t(f"day_{DAYS[first]}") if first == last else f"{t(f'day_{DAYS[first]}')}–{t(f'day_{DAYS[last]}')}", text)
        for first, last, text in runs
    ] + extra


def plain_text(text: str | None) -> str:
    """Markup-free text from a description that may carry sanitised HTML."""
    if not text:
        return ""
    return " ".join(html.unescape(nh3.clean(text, tags=set())).split())


def one_line(text: str | None, limit: int = 160) -> str:
    """The first sentence, cut to `limit` characters: a pocket guide has room for one line."""
    plain = plain_text(text)
    first = SENTENCE_END.split(plain, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def rich_text(text: str | None) -> Markup:
    """A description as paragraphs: plain text escaped, or HTML through a small allow-list."""
    if not text:
        return Markup("")
    if "<" not in text:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs)
    cleaned = nh3.clean(text, tags=DESCRIPTION_TAGS, attributes={}, strip_comments=True, link_rel=None)
    return Markup(cleaned)


def source_attrs(service: dict, key: str, bundle: dict) -> Markup:
    """`lang`/`dir` for a text shown untranslated, so screen readers pronounce it right."""
    if bundle["language"] == bundle["source_language"] or key not in service.get("fallback", []):
        return Markup("")
    source = bundle["source_language"]
    return Markup(' lang="{}" dir="{}"').format(source, direction(source)) if source else Markup("")

