/**
 * Field-level errors from the API's `fields[]` (path + Chinese message) keyed by dotted path, so a
 * form shows each message next to its own field. `household.0.name` and `household[0].name` match.
 */
import { reactive } from "vue";
import { ApiError } from "./api/http.ts";
import { errorTextFor } from "./errorText.ts";
import { i18n } from "./i18n/index.ts";

export function normalizePath(path: string): string {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/^body\./, "")
    .replace(/^\./, "");
}

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({});
  const state = reactive({ general: "" });

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key];
    state.general = "";
  }

  /** Takes any thrown value; returns the field paths that got a message. */
  function take(e: unknown): string[] {
    clear();
    const zh = i18n.global.locale.value === "zh-CN";
    if (e instanceof ApiError) {
      for (const field of e.fields) {
        errors[normalizePath(field.path)] = (zh ? field.messageZh : undefined) ?? field.message;
      }
      state.general = errorTextFor(e, i18n.global.locale.value, i18n.global.t("common.failed"));
      return e.fields.map((f) => normalizePath(f.path));
    }
    state.general = errorTextFor(e, i18n.global.locale.value, i18n.global.t("common.failed"));
    return [];
  }

  function of(path: string): string {
    return errors[path] ?? "";
  }

  return { errors, state, clear, take, of };
}
