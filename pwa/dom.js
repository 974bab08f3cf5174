// Building DOM from data without innerHTML, so no text from a feed can become markup.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false || child === "") continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// A small inline icon (no icon font, no request): a path in a 24×24 box.
export function icon(path, className = "icon") {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", className);
  const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}

// Category pictures, so someone who reads little can still find "food" or "health".
// Only names drawn in pwa/icons/ are asked for: an unknown one would be a wasted request.
const CATEGORY_ICONS = new Set([
  "stethoscope", "heart-handshake", "scale", "briefcase", "house",
  "utensils", "book-open", "file-text", "baby", "users",
]);

export function categoryIcon(category, size = 32) {
  const name = CATEGORY_ICONS.has(category?.icon) ? category.icon : "category";
  return h("img", { class: "category-icon", src: `/icons/${name}.svg`, alt: "", width: size, height: size });
}

export const ICONS = {
  back: "M15 5l-7 7 7 7",
  place: "M12 2a7 7 0 00-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 00-7-7zm0 9.5a2.5 2.5 0 110-5 2.5 2.5 0 010 5z",
  phone: "M6.6 10.8a15 15 0 006.6 6.6l2.2-2.2a1 1 0 011-.25 11.4 11.4 0 003.6.6 1 1 0 011 1V20a1 1 0 01-1 1A17 17 0 013 4a1 1 0 011-1h3.5a1 1 0 011 1c0 1.25.2 2.45.57 3.57a1 1 0 01-.25 1z",
  clock: "M12 2a10 10 0 100 20 10 10 0 000-20zm1 10.4l3.5 2.1-.8 1.3L11 13V7h2z",
  sms: "M4 3h16a2 2 0 012 2v11a2 2 0 01-2 2H8l-5 4V5a2 2 0 011-2zm3 6v2h2V9zm4 0v2h2V9zm4 0v2h2V9z",
  chat: "M12 2a10 10 0 00-8.7 14.9L2 22l5.3-1.3A10 10 0 1012 2zm-3.4 5.5c.3 0 .5 0 .7.5l.9 2.1c.1.3 0 .5-.1.7l-.6.7c-.1.2-.2.3 0 .6a7.4 7.4 0 003.6 3.2c.3.1.4.1.6-.1l.8-1c.2-.2.4-.3.7-.1l2 1c.3.1.4.3.4.5 0 .9-.6 1.9-1.7 2.1a4.6 4.6 0 01-3.3-.6 11 11 0 01-4.8-4.4 4.7 4.7 0 01-.9-2.4c0-1 .5-1.9 1.1-2.4a1 1 0 01.6-.3z",
  mail: "M3 5h18a1 1 0 011 1v12a1 1 0 01-1 1H3a1 1 0 01-1-1V6a1 1 0 011-1zm1 2.4V17h16V7.4l-8 5.3zM5.2 7l6.8 4.5L18.8 7z",
  share: "M18 16a3 3 0 00-2.4 1.2l-7.1-3.6a3 3 0 000-1.2l7.1-3.6A3 3 0 1015 7a3 3 0 000 .6L7.9 11.2a3 3 0 100 3.6l7.1 3.6A3 3 0 1018 16z",
  map: "M15 4l-6-2-7 3v17l7-3 6 2 7-3V1zm-1 15.3l-4-1.4V4.7l4 1.4z",
  check: "M9 16.2L4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
  near: "M12 8a4 4 0 100 8 4 4 0 000-8zm9 3h-2.1A7 7 0 0013 5.1V3h-2v2.1A7 7 0 005.1 11H3v2h2.1a7 7 0 005.9 5.9V21h2v-2.1a7 7 0 005.9-5.9H21zm-9 6a5 5 0 110-10 5 5 0 010 10z",
  filter: "M3 5h18v2l-7 7v6l-4-2v-4L3 7z",
  warning: "M12 2L1 21h22zm1 15h-2v2h2zm0-7h-2v5h2z",
  info: "M12 2a10 10 0 100 20 10 10 0 000-20zm1 15h-2v-6h2zm0-8h-2V7h2z",
};
