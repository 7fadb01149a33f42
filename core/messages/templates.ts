/**
 * Message templates: zh-CN text with named placeholders `{name}`, one per event. The default set below
 * is data every county starts from; a county's own texts (overrides.ts) replace single events. With
 * Alibaba Cloud or Tencent Cloud the same text is registered with the provider under the county's
 * template code (core/messages/smsSettings.ts), so what AidFlow renders for the inbox is what the SMS
 * says.
 */
import type { MessageEventKind } from "./events.ts";

export type TemplateSet = Readonly<Record<MessageEventKind, string>>;

export const DEFAULT_TEMPLATES: TemplateSet = {
  "application-received":
    "{salutation}，您的临时救助申请已受理，案件编号{caseNumber}。{township}将于{decideBy}前告知审核结果，进度可在掌上办查看。",
  "advance-approved":
    "{salutation}，您的先行救助申请（{caseNumber}）已批准，金额{amount}元，将发放到您本人账户。",
  "advance-refused":
    "{salutation}，您的先行救助申请（{caseNumber}）未获批准，原因：{reason}。如有疑问请联系{township}社会救助窗口。",
  "money-sent": "{salutation}，救助金{amount}元已转入您尾号{accountTail}的{bank}账户，请注意查收。",
  "transfer-failed":
    "{salutation}，救助金{amount}元转入您尾号{accountTail}的{bank}账户未成功，请带本人银行卡到{township}社会救助窗口更换收款账户。",
  "paperwork-due":
    "{salutation}，请于{dueDate}前到{township}社会救助窗口补齐材料：{items}。案件编号{caseNumber}。",
  "paperwork-reminder":
    "{salutation}，提醒：{dueDate}是补齐材料的最后一天，请到{township}社会救助窗口提交{items}。",
  "follow-up-decision": "{salutation}，您的救助案件{caseNumber}跟进决定：{outcome}。详情可在掌上办查看。",
  "stage-paid":
    "{salutation}，第{stage}期（共{stages}期）救助金{amount}元已转入您尾号{accountTail}的账户，请注意查收。",
  "public-notice":
    "{salutation}，您的救助申请（{caseNumber}）于{noticeFrom}至{noticeTo}在{township}公示，公示无异议后审批。",
  "withdrawal-confirmed": "{salutation}，您已撤回临时救助申请（{caseNumber}）。如仍有困难，可随时再次申请。",
  "case-closed":
    "{salutation}，您的临时救助案件{caseNumber}已办结。欢迎对本次服务作出评价（好差评）：{ratingUrl}",
  "task-assigned": "您有新的待办：{township}{task}，案件{caseNumber}，请于{deadline}前处理。",
  "task-near-deadline": "待办即将超时：{township}{task}，案件{caseNumber}，处理时限{deadline}，请尽快处理。",
  "task-escalated": "{township}{task}已超时未处理，案件{caseNumber}已上报县级，请及时督办。",
};

export type TemplatePart = { text: string } | { variable: string };

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * A template split into fixed text and placeholders, or the first syntax problem: a `{` or `}`
 * outside a placeholder, or an empty/malformed name.
 */
export function parseTemplate(template: string): { parts: TemplatePart[] } | { problem: string } {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const before = template.slice(last, match.index);
    if (/[{}]/.test(before)) return { problem: "unbalanced" };
    if (before) parts.push({ text: before });
    const name = match[1] ?? "";
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return { problem: "malformed" };
    parts.push({ variable: name });
    last = match.index + match[0].length;
  }
  const rest = template.slice(last);
  if (/[{}]/.test(rest)) return { problem: "unbalanced" };
  if (rest) parts.push({ text: rest });
  return { parts };
}

/** Placeholder names in the order they first appear: Tencent Cloud's {1}, {2}… follow this order. */
export function placeholderOrder(parts: readonly TemplatePart[]): string[] {
  const names: string[] = [];
  for (const part of parts) {
    if ("variable" in part && !names.includes(part.variable)) names.push(part.variable);
  }
  return names;
}
