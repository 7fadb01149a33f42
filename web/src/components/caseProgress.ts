/**
 * What happens next on a case, in words an applicant understands: the API's `nextStep` when it
 * sends one, otherwise the status's own explanation.
 */
import type { CaseView } from "../api/types.ts";
import { i18n } from "../i18n/index.ts";

export interface NextStepView {
  text: string;
  dueAt?: string;
  overdue: boolean;
}

export function nextStepOf(c: CaseView): NextStepView | undefined {
  const zh = i18n.global.locale.value === "zh-CN";
  const step = c.nextStep;
  if (step) {
    const key = `nextStep.${step.action}`;
    const text =
      (zh ? step.descriptionZh : step.description) ??
      (i18n.global.te(key) ? i18n.global.t(key) : (step.descriptionZh ?? step.description ?? step.action));
    return { text, dueAt: step.dueAt, overdue: step.overdue === true };
  }
  const key = `statusNext.${c.status}`;
  if (!i18n.global.te(key)) return undefined;
  const dueAt = c.deadlines ? Object.values(c.deadlines).sort()[0] : undefined;
  return { text: i18n.global.t(key), dueAt, overdue: c.overdue === true };
}
