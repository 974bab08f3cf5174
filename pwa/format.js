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

// `sms:` like `tel:`: ASCII digits, no extension (a text cannot dial one).
export function smsHref(number) {
  const tel = telHref(number);
  return tel ? `sms:${tel.slice(4).split(",")[0]}` : null;
}

// WhatsApp wants the full international number, digits only; a national number
// ("07700 900123") cannot be told apart from one abroad, so it gets no link.
export function whatsappHref(number) {
  const ascii = asciiDigits(number).trim();
  const digits = ascii.replace(/[^0-9]/g, "");
  if (ascii.startsWith("+")) return digits.length >= 8 ? `https://wa.me/${digits}` : null;
  if (digits.startsWith("00")) return digits.length >= 10 ? `https://wa.me/${digits.slice(2)}` : null;
  return null;
}

// Minutes since midnight as a 24-hour time in the reader's digits; 1440 reads "24:00".
export function formatTime(minutes, language) {
  const midnightEnd = minutes >= 24 * 60;
  const date = new Date(Date.UTC(1970, 0, 1, Math.floor((minutes % 1440) / 60), minutes % 60));
  try {
    const options = { hour: "2-digit", minute: "2-digit", timeZone: "UTC", hourCycle: midnightEnd ? "h24" : "h23" };
    return new Intl.DateTimeFormat(intlLocales(language), options).format(date);
  } catch {
    const hh = midnightEnd ? 24 : Math.floor(minutes / 60);
    return `${String(hh).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  }
}

// A civil day number (days since 1970-01-01) as a short date: "30 Nov".
export function formatDay(day, language) {
  try {
    return new Intl.DateTimeFormat(intlLocales(language), { day: "numeric", month: "short", timeZone: "UTC" }).format(
      new Date(day * 86400000),
    );
  } catch {
    return new Date(day * 86400000).toISOString().slice(5, 10);
  }
}

// Kilometres, or metres under one: "400 m", "2.3 km".
export function formatDistance(km, language) {
  const metres = km < 1;
  const value = metres ? Math.max(50, Math.round((km * 1000) / 50) * 50) : Math.round(km * 10) / 10;
  try {
    return new Intl.NumberFormat(intlLocales(language), {
      style: "unit",
      unit: metres ? "meter" : "kilometer",
      unitDisplay: "short",
      maximumFractionDigits: 1,
    }).format(value);
  } catch {
    return metres ? `${value} m` : `${value} km`;
  }
}
