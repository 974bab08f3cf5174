// Pure parts of the page, under Node: choosing the language and making tel: links.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { dayNames, telHref } from "../../pwa/format.js";
import { chooseLanguage } from "../../pwa/i18n.js";

const languages = JSON.parse(readFileSync(new URL("../../pwa/i18n/languages.json", import.meta.url), "utf8"));

test("a saved choice wins over the phone's languages", () => {
  assert.deepEqual(chooseLanguage(languages, "ps", ["ar-SY", "en"]), { code: "ps", sure: true });
});

test("the phone's first language we have is chosen, by its base tag", () => {
  assert.deepEqual(chooseLanguage(languages, null, ["de-DE", "uk-UA", "en"]), { code: "uk", sure: true });
});

test("Afghan Persian and Persian map to Dari", () => {
  assert.equal(chooseLanguage(languages, null, ["fa-AF"]).code, "prs");
  assert.equal(chooseLanguage(languages, null, ["fa"]).code, "prs");
});

test("no language we have: English for now, and not sure, so the picker asks", () => {
  assert.deepEqual(chooseLanguage(languages, null, ["de-DE", "pl"]), { code: "en", sure: false });
});

test("a saved language we no longer offer is ignored", () => {
  assert.equal(chooseLanguage(languages, "xx", ["so-SO"]).code, "so");
});

test("tel: links carry ASCII digits only, whatever digits the number was written in", () => {
  assert.equal(telHref("+44 (0)1632 960 123"), "tel:+4401632960123");
  assert.equal(telHref("٠١٦٣٢ ٩٦٠٠٠١"), "tel:01632960001");
  assert.equal(telHref("۰۷۷۰۰ ۹۰۰۱۲۳", "۱۲"), "tel:07700900123,12");
  assert.equal(telHref("ask at reception"), null);
});

test("days come in week order, named in the interface language", () => {
  const t = (key) => ({ day_MO: "lundi", day_WE: "mercredi", day_FR: "vendredi" })[key];
  assert.deepEqual(dayNames("FR,MO,WE", t), ["lundi", "mercredi", "vendredi"]);
  assert.deepEqual(dayNames("1MO", t), []);
});
