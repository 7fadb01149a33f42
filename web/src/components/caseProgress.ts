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
  const step = c.nextStep;
  if (step) {
    const key = `nextStep.${step.action}`;
    const text = i18n.global.te(key) ? i18n.global.t(key) : step.action;
    return { text, dueAt: step.dueAt, overdue: step.overdue === true };
  }
  const key = `statusNext.${c.status}`;
  if (!i18n.global.te(key)) return undefined;
  return { text: i18n.global.t(key), overdue: c.overdue === true };
}
