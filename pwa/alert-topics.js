// What a phone follows, kept on the phone (localStorage), and the topics it sends when
// it subscribes: "notices", "category:<id>", "area:<NAME>", "service:<id>".
// Pure functions here; alerts.js does the asking and the screen.

export const ALERTS_KEY = "harbour.alerts";
export const FOLLOWED_KEY = "harbour.followed";
const AREA_LIMIT = 40;

export function normaliseArea(text) {
  return String(text || "").trim().replace(/\s+/g, " ").toUpperCase().slice(0, AREA_LIMIT);
}

// {notices: bool, categories: [id], area: "", services: [id]} → the topic list.
export function topicsOf(choice) {
  const topics = [];
  if (choice.notices) topics.push("notices");
  for (const id of choice.categories || []) topics.push(`category:${id}`);
  const area = normaliseArea(choice.area);
  if (area) topics.push(`area:${area}`);
  for (const id of choice.services || []) topics.push(`service:${id}`);
  return [...new Set(topics)];
}

// Postcode districts and towns of the bundle's places, for the area field's suggestions:
// "1 High St, Kingsmere, KM1 1GB" → "KM1" and "KINGSMERE".
export function areasOf(services) {
  const areas = new Set();
  for (const service of services || []) {
    for (const location of service.locations || []) {
      const parts = String(location.address || "").split(",").map((p) => p.trim()).filter(Boolean);
      if (parts.length < 2) continue;
      const last = parts[parts.length - 1];
      if (/\d/.test(last)) {
        areas.add(normaliseArea(last.split(" ")[0]));
        if (parts.length >= 3) areas.add(normaliseArea(parts[parts.length - 2]));
      } else {
        areas.add(normaliseArea(last));
      }
    }
  }
  return [...areas].filter(Boolean).sort();
}

function read(storage, key, fallback) {
  try {
    const value = JSON.parse(storage.getItem(key));
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

function write(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // storage blocked: the choice lasts for this visit
  }
}

// The subscription this phone made: {subscription (JSON), topics, lang, key}, or null.
export function savedAlerts(storage = globalThis.localStorage) {
  return read(storage, ALERTS_KEY, null);
}

export function saveAlerts(value, storage = globalThis.localStorage) {
  write(storage, ALERTS_KEY, value);
}

// Services the reader asked to hear about, newest first.
export function followedServices(storage = globalThis.localStorage) {
  const list = read(storage, FOLLOWED_KEY, []);
  return Array.isArray(list) ? list.filter((id) => typeof id === "string") : [];
}

export function setFollowed(id, on, storage = globalThis.localStorage) {
  const rest = followedServices(storage).filter((other) => other !== id);
  const list = on ? [id, ...rest] : rest;
  write(storage, FOLLOWED_KEY, list);
  return list;
}

// The choice shown on the alerts screen, from what was subscribed (or nothing yet).
export function choiceOf(saved, followed) {
  const choice = { notices: !saved, categories: [], area: "", services: followed };
  for (const topic of saved?.topics || []) {
    const [kind, ...rest] = topic.split(":");
    const value = rest.join(":");
    if (topic === "notices") choice.notices = true;
    else if (kind === "category") choice.categories.push(value);
    else if (kind === "area") choice.area = value;
  }
  return choice;
}
