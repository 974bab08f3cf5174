// Applying a bundle delta (directory/bundle/delta.py) to the bundle a phone holds.
// A classic script, not a module: the service worker loads it with importScripts
// (module workers are not everywhere yet), the tests with Node's vm.
//
// The result must be the server's bundle byte for byte once JSON.stringify'd: the
// worker checks its sha256 against the delta's, and falls back to the full bundle if
// it differs. So keys keep their order (spread, then replace values in place) and
// services land exactly where the server put them (each upsert names the one before).
/* exported applyDelta */

(function (scope) {
  // ISO times and UUIDs are ASCII, so < orders them as SQLite's ORDER BY starts, id does.
  function byStartThenId(a, b) {
    const x = [a.starts || "", a.id];
    const y = [b.starts || "", b.id];
    if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
  }

  function mergeNotices(notices, delta) {
    const upserts = delta.notice_upserts || [];
    const gone = new Set([...(delta.notice_deletes || []), ...upserts.map((n) => n.id)]);
    return [...notices.filter((n) => !gone.has(n.id)), ...upserts].sort(byStartThenId);
  }

  function mergeServices(services, delta) {
    const gone = new Set(delta.deletes);
    for (const service of delta.upserts) gone.add(service.id);
    // The id before each upsert ("" for the very start) → the upserts that follow it.
    const followers = new Map();
    for (const service of delta.upserts) {
      const before = (delta.after && delta.after[service.id]) || "";
      if (!followers.has(before)) followers.set(before, []);
      followers.get(before).push(service);
    }
    const result = [];
    const placeAfter = (id) => {
      const stack = [...(followers.get(id) || [])].reverse();
      followers.delete(id);
      while (stack.length) {
        const service = stack.pop();
        result.push(service);
        const next = followers.get(service.id);
        followers.delete(service.id);
        if (next) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
      }
    };
    placeAfter("");
    for (const service of services) {
      if (gone.has(service.id)) continue;
      result.push(service);
      placeAfter(service.id);
    }
    // An upsert whose neighbour this phone never had: keep it; the hash check will tell.
    for (const rest of followers.values()) result.push(...rest);
    return result;
  }

  /**
   * The bundle `delta` leads to from `bundle` (a new object; `bundle` is not changed).
   * A full bundle (it has `services`) is returned as it is.
   * @param {object} bundle the bundle this phone holds
   * @param {object} delta the answer of /bundle/{lang}/delta?since={bundle.version}
   * @returns {object} the new bundle
   */
  function applyDelta(bundle, delta) {
    if (Array.isArray(delta.services)) return delta;
    if (delta.language !== bundle.language || delta.since !== bundle.version) {
      throw new Error(`delta ${delta.language}@${delta.since} does not start from ${bundle.language}@${bundle.version}`);
    }
    const next = { ...bundle, version: delta.version, generated: delta.generated };
    if (delta.categories) next.categories = delta.categories;
    if (delta.attributes) next.attributes = delta.attributes;
    next.notices = mergeNotices(bundle.notices || [], delta);
    next.services = mergeServices(bundle.services, delta);
    return next;
  }

  scope.applyDelta = applyDelta;
})(typeof self !== "undefined" ? self : globalThis);
