// "Near me": where the phone is stays on the phone. The position is asked of the
// Geolocation API, kept in memory only, and used here to measure distances; it is
// never stored, put in a URL, or sent anywhere.

const EARTH_RADIUS_KM = 6371.0088;

function radians(degrees) {
  return (degrees * Math.PI) / 180;
}

// Great-circle distance (haversine) in kilometres between {lat, lon} points.
export function distanceKm(a, b) {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

// The distance to a service's nearest place, or null when it has no place on a map.
export function serviceDistance(service, position) {
  if (!position) return null;
  let best = null;
  for (const place of service.locations || []) {
    if (typeof place.lat !== "number" || typeof place.lon !== "number") continue;
    const km = distanceKm(position, place);
    if (best === null || km < best) best = km;
  }
  return best;
}

// Nearest first; services with no place keep their order, after those with one.
export function sortByDistance(services, position) {
  return services
    .map((service, index) => ({ service, index, km: serviceDistance(service, position) }))
    .sort((a, b) => (a.km ?? Infinity) - (b.km ?? Infinity) || a.index - b.index)
    .map(({ service }) => service);
}

// Links the person may choose to follow; nothing here loads by itself.
export function mapLinks(place) {
  const lat = Number(place.lat);
  const lon = Number(place.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  return {
    geo: `geo:${lat},${lon}?q=${lat},${lon}`,
    web: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`,
  };
}

// → Promise<{lat, lon}>. A coarse, possibly cached fix is enough to sort a town's services.
export function locate(geolocation = globalThis.navigator?.geolocation) {
  return new Promise((resolve, reject) => {
    if (!geolocation) {
      reject(new Error("no geolocation"));
      return;
    }
    geolocation.getCurrentPosition(
      (found) => resolve({ lat: found.coords.latitude, lon: found.coords.longitude }),
      reject,
      { enableHighAccuracy: false, timeout: 20000, maximumAge: 5 * 60 * 1000 },
    );
  });
}
