// Turning bundle values into what a person reads: days, times, dates, money, phone links.

// Intl knows Dari as Afghan Persian.
const INTL_LOCALE = { prs: "fa-AF" };

export function intlLocales(language) {
  return [INTL_LOCALE[language] || language, "en"];
}

export function asciiDigits(text) {
  return String(text)
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

// `tel:` wants ASCII digits only; the number as written stays on screen.
export function telHref(number, ext) {
  const ascii = asciiDigits(number).trim();
  const digits = ascii.replace(/[^0-9]/g, "");
  if (!digits) return null;
  const extension = ext ? asciiDigits(ext).replace(/[^0-9]/g, "") : "";
  return `tel:${ascii.startsWith("+") ? "+" : ""}${digits}${extension ? "," + extension : ""}`;
}

const DAY_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

export function dayNames(byday, t) {
  const days = String(byday || "")
    .split(",")
    .map((d) => d.trim().toUpperCase())
    .filter((d) => DAY_ORDER.includes(d))
    .sort((a, b) => DAY_ORDER.indexOf(a) - DAY_ORDER.indexOf(b));
  return days.map((d) => t(`day_${d}`));
}

export function firstDay(byday) {
  const days = String(byday || "").split(",").map((d) => DAY_ORDER.indexOf(d.trim().toUpperCase()));
  const known = days.filter((i) => i >= 0);
  return known.length ? Math.min(...known) : DAY_ORDER.length;
}

export function formatDate(iso, language) {
  const date = new Date(`${String(iso).slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(intlLocales(language), { dateStyle: "long", timeZone: "UTC" }).format(date);
  } catch {
    return String(iso).slice(0, 10);
  }
}

export function formatMoney(amount, currency, language) {
  try {
    return new Intl.NumberFormat(intlLocales(language), {
      style: "currency",
      currency: String(currency).toUpperCase(),
    }).format(amount);
  } catch {
    return [amount, currency].filter((v) => v !== undefined).join(" ");
  }
}

export function languageName(entry, language) {
  if (entry.code) {
    try {
      const name = new Intl.DisplayNames(intlLocales(language), { type: "language" }).of(entry.code);
      if (name && name.toLowerCase() !== entry.code.toLowerCase()) return name;
    } catch {
      // not a code Intl knows: fall through to the name the source gave
    }
  }
  return entry.name || entry.code;
}
