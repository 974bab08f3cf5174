// Plurals by each language's rules, times, links for texting and WhatsApp, distances.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { formatDistance, formatTime, smsHref, whatsappHref } from "../../pwa/format.js";
import { t, useStrings } from "../../pwa/i18n.js";

const load = (code) => JSON.parse(readFileSync(new URL(`../../pwa/i18n/${code}.json`, import.meta.url), "utf8"));
const english = load("en");

test("English: 1 service, 2 services", () => {
  useStrings("en", english);
  assert.equal(t("results_count", { n: 1 }), "1 service found");
  assert.equal(t("results_count", { n: 2 }), "2 services found");
});

test("Arabic picks among six forms, with the digits Arabic's locale writes", () => {
  useStrings("ar", load("ar"), english);
  const n = (value) => new Intl.NumberFormat("ar").format(value);
  assert.equal(t("all_services", { n: 1 }), "خدمة واحدة");
  assert.equal(t("all_services", { n: 2 }), "خدمتان");
  assert.equal(t("all_services", { n: 3 }), `${n(3)} خدمات`);
  assert.equal(t("all_services", { n: 11 }), `${n(11)} خدمة`);
  assert.equal(t("all_services", { n: 100 }), `${n(100)} خدمة`);
});

test("Ukrainian: 21 is 'one', 22 'few', 25 'many'", () => {
  useStrings("uk", load("uk"), english);
  assert.equal(t("all_services", { n: 21 }), "21 послуга");
  assert.equal(t("all_services", { n: 22 }), "22 послуги");
  assert.equal(t("all_services", { n: 25 }), "25 послуг");
});

test("a key a language lacks falls back to English, never to the bare key", () => {
  useStrings("so", { app_name: "Harbour" }, english);
  assert.equal(t("results_count", { n: 2 }), "2 services found");
  assert.equal(t("no_such_key"), "no_such_key");
});

test("times are 24-hour in the reader's digits; the end of the day is 24:00", () => {
  assert.equal(formatTime(17 * 60, "en"), "17:00");
  assert.equal(formatTime(9 * 60 + 5, "en"), "09:05");
  assert.equal(formatTime(1440, "en"), "24:00");
  assert.equal(formatTime(17 * 60, "prs"), "۱۷:۰۰");
});

test("SMS links carry ASCII digits; WhatsApp only for a full international number", () => {
  assert.equal(smsHref("+44 7700 900123"), "sms:+447700900123");
  assert.equal(smsHref("٠٧٧٠٠ ٩٠٠١٢٣"), "sms:07700900123");
  assert.equal(whatsappHref("+44 7700 900123"), "https://wa.me/447700900123");
  assert.equal(whatsappHref("0044 7700 900123"), "https://wa.me/447700900123");
  assert.equal(whatsappHref("07700 900123"), null);
});

test("distances: metres under a kilometre, one decimal above", () => {
  assert.equal(formatDistance(0.42, "en"), "400 m");
  assert.equal(formatDistance(2.345, "en"), "2.3 km");
});
