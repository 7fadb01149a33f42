/**
 * Text through vue-i18n: Chinese first (zh-CN is the default and the fallback), English available.
 * The chosen language is kept for the tab's session.
 */
import { createI18n } from "vue-i18n";
import { catalogueLabel } from "../labels.ts";
import { placeName } from "../places.ts";
import { adminEn, adminZhCN } from "./admin.ts";
import { authEn, authZhCN } from "./auth.ts";
import consoleEn from "./console-en.ts";
import consoleZhCN from "./console-zh-CN.ts";
import en from "./en.ts";
import { inboxEn, inboxZhCN } from "./inbox.ts";
import { regNoticeEn, regNoticeZhCN } from "./registration-notices.ts";
import zhCN from "./zh-CN.ts";

export type Locale = "zh-CN" | "en";
const STORAGE_KEY = "aidflow.locale";

function initialLocale(): Locale {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  return stored === "en" ? "en" : "zh-CN";
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: "zh-CN",
  messages: {
    "zh-CN": {
      ...zhCN,
      console: consoleZhCN,
      auth: authZhCN,
      admin: adminZhCN,
      inbox: inboxZhCN,
      regNotice: regNoticeZhCN,
    },
    en: { ...en, console: consoleEn, auth: authEn, admin: adminEn, inbox: inboxEn, regNotice: regNoticeEn },
  },
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  sessionStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

document.documentElement.lang = initialLocale();

/**
 * Translates a code (status, event type, hardship type) if a label exists, else shows the code; a
 * county or township by the directory's name once read (places.ts).
 */
export function label(group: string, code: string | undefined): string {
  if (!code) return "";
  const locale = i18n.global.locale.value;
  const catalogued = catalogueLabel(group, code, locale);
  if (catalogued !== undefined) return catalogued;
  // Codes such as audit actions ("advance.decide") contain dots, which vue-i18n reads as nesting.
  const key = `${group}.${code.replace(/\./g, "_")}`;
  // A place reads by the directory's (Chinese) name, unless an English name is catalogued.
  const place = placeName(group, code);
  if (place !== undefined && !(locale === "en" && i18n.global.te(key, "en"))) return place;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}
