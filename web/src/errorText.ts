/**
 * What went wrong, in the reader's language: the API's own message (`messageZh` for a zh-CN reader,
 * never its English `message`, `code` or `details`), or, for anything that is not an answer of the API
 * (the network, a bug) and for an answer without Chinese, a plain sentence — never a raw exception's
 * English text.
 */
import { useI18n } from "vue-i18n";
import { ApiError } from "./api/http.ts";

export function errorTextFor(e: unknown, locale: string, failed: string): string {
  if (e instanceof ApiError) return locale === "zh-CN" ? (e.messageZh ?? failed) : e.message;
  return failed;
}

/** For a page's setup: `const errorText = useErrorText();` then `errorText(e)`. */
export function useErrorText(): (e: unknown) => string {
  const { t, locale } = useI18n();
  return (e) => errorTextFor(e, locale.value, t("common.failed"));
}
