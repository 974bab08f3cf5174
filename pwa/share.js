// Sharing a service with a friend: the phone's own share sheet (Web Share API) when
// it has one, else the text copied to the clipboard. Nothing goes through us: the
// person chooses the app and the recipient.

// What a friend needs without the app: name, where, a number to call, hours.
export function shareText(service, extras = {}) {
  const place = (service.locations || []).find((l) => l.address);
  const phone = (service.phones || [])[0];
  return [service.name, service.org, place?.address, phone?.number, extras.hours]
    .filter((line) => line && String(line).trim())
    .join("\n");
}

// → "shared" | "copied" | "cancelled" | "failed".
export async function share({ title, text, url }, nav = globalThis.navigator) {
  if (nav?.share) {
    try {
      await nav.share({ title, text, url });
      return "shared";
    } catch (error) {
      if (error?.name === "AbortError") return "cancelled";
      // some browsers refuse a share outside a user gesture: fall back to copying
    }
  }
  try {
    await nav.clipboard.writeText(url ? `${text}\n${url}` : text);
    return "copied";
  } catch {
    return "failed";
  }
}
