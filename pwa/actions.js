// The big buttons on a service's page: call, text, WhatsApp, e-mail, find the way,
// share. Every link is one the person chooses to follow; nothing loads by itself.
import { h, icon, ICONS } from "./dom.js";
import { smsHref, telHref, whatsappHref } from "./format.js";
import { mapLinks } from "./geo.js";
import { t } from "./i18n.js";
import { share, shareText } from "./share.js";

const TEXTABLE = new Set(["cell", "text"]);
const NOT_FOR_CALLS = new Set(["fax", "text", "pager"]);

function number(phone) {
  return h("bdi", { dir: "ltr", class: "number" }, phone.number);
}

function button(href, path, label, extra = {}) {
  return h("a", { class: `button ${extra.class || ""}`.trim(), href, ...extra.attrs }, icon(path), h("span", {}, label));
}

// The links one phone number offers: call, and for mobiles, SMS and WhatsApp.
export function phoneLinks(phone) {
  const type = String(phone.type || "voice").toLowerCase();
  return {
    tel: NOT_FOR_CALLS.has(type) ? null : telHref(phone.number, phone.ext),
    sms: TEXTABLE.has(type) ? smsHref(phone.number) : null,
    whatsapp: type === "cell" ? whatsappHref(phone.number) : null,
  };
}

function emailHref(service) {
  // A feed's address goes into a mailto: only if it looks like one address.
  return /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(service.email || "") ? `mailto:${service.email}` : null;
}

async function onShare(service, bundle, status) {
  const url = location.href;
  const text = shareText(service);
  const result = await share({ title: service.name, text, url });
  if (result === "copied") status.textContent = t("share_copied");
  else if (result === "failed") {
    // Last resort: the text on screen, selected, for a long press → copy.
    const area = h("textarea", { class: "share-text", readonly: true, rows: 5, "aria-label": t("share") }, `${text}\n${url}`);
    status.replaceChildren(h("span", {}, t("share_failed")), area);
    area.select();
  } else status.textContent = "";
}

export function actionButtons(service, bundle) {
  const phones = (service.phones || []).map((p) => ({ phone: p, links: phoneLinks(p) }));
  const call = phones.find((p) => p.links.tel);
  const text = phones.find((p) => p.links.sms);
  const whatsapp = phones.find((p) => p.links.whatsapp);
  const email = emailHref(service);
  const place = (service.locations || []).map((l) => mapLinks(l)).find(Boolean);
  const status = h("p", { class: "share-status", role: "status" });
  const buttons = [
    call ? h("a", { class: "button call", href: call.links.tel }, icon(ICONS.phone), h("span", {}, t("action_call")), number(call.phone)) : null,
    text ? button(text.links.sms, ICONS.sms, t("action_sms")) : null,
    whatsapp ? button(whatsapp.links.whatsapp, ICONS.chat, "WhatsApp", { attrs: { rel: "noopener noreferrer" } }) : null,
    email ? button(email, ICONS.mail, t("action_email")) : null,
    place ? button(place.geo, ICONS.place, t("open_map")) : null,
    h(
      "button",
      { type: "button", class: "button secondary", onclick: () => onShare(service, bundle, status) },
      icon(ICONS.share),
      h("span", {}, t("share")),
    ),
  ].filter(Boolean);
  return [h("div", { class: "actions" }, buttons), status];
}

// Every phone with its own buttons, for the "Phone" section.
export function phoneList(service, bundle, langOf) {
  return (service.phones || []).map((phone) => {
    const links = phoneLinks(phone);
    return h(
      "div",
      { class: "phone" },
      links.tel ? h("a", { class: "button", href: links.tel }, icon(ICONS.phone), number(phone)) : h("p", {}, number(phone)),
      links.sms ? h("a", { class: "button secondary", href: links.sms, "aria-label": `${t("action_sms")} ${phone.number}` }, icon(ICONS.sms), t("action_sms")) : null,
      links.whatsapp
        ? h("a", { class: "button secondary", href: links.whatsapp, rel: "noopener noreferrer", "aria-label": `WhatsApp ${phone.number}` }, icon(ICONS.chat), "WhatsApp")
        : null,
      phone.ext ? h("span", { class: "extension" }, t("phone_extension", { ext: phone.ext })) : null,
      phone.description ? h("p", { class: "note", ...langOf(service, "phones", bundle) }, phone.description) : null,
    );
  });
}

// A place: its name, its address isolated from the text around it, and two ways to a map.
export function placeBlock(service, location, bundle, langOf, distance) {
  const links = mapLinks(location);
  return h(
    "div",
    { class: "place" },
    location.name ? h("p", { class: "place-name", ...langOf(service, "locations", bundle) }, location.name) : null,
    location.address ? h("p", { class: "address" }, h("bdi", {}, location.address)) : null,
    distance ? h("p", { class: "note" }, distance) : null,
    links
      ? h(
          "p",
          { class: "map-links" },
          h("a", { class: "button secondary", href: links.geo }, icon(ICONS.place), t("open_map")),
          h("a", { class: "map-web", href: links.web, rel: "noopener noreferrer", referrerpolicy: "no-referrer" }, icon(ICONS.map), t("open_map_web")),
        )
      : null,
  );
}
