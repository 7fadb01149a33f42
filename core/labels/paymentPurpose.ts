/**
 * What a payment is for, in Chinese: its purpose is `advance`, `follow-up` or `stage-<n>` (the same
 * names as the consoles' `paymentKind` labels, web/src/labels.ts).
 */

const PURPOSE_NAMES_ZH: Readonly<Record<string, string>> = {
  advance: "先行救助",
  "follow-up": "追加救助",
};

const STAGE = /^stage-(\d+)$/;

/** `advance` → 先行救助, `stage-3` → 第3期分阶段救助; an unknown purpose is "救助金". */
export function paymentPurposeZh(purpose: string): string {
  const stage = STAGE.exec(purpose);
  if (stage) return `第${Number(stage[1])}期分阶段救助`;
  return Object.hasOwn(PURPOSE_NAMES_ZH, purpose) ? (PURPOSE_NAMES_ZH[purpose] ?? "救助金") : "救助金";
}
