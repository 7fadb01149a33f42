/**
 * One way for every step to tell someone something (docs/messages.md): `notify` renders an
 * event with the county's texts (its own where it stored them, the defaults elsewhere) and stores
 * the message once under a deterministic id (`<caseId>:<event>:<discriminator>`), so a retried step
 * — a Lambda retry, a redrive, a healing decision — writes nothing new. The inbox reads the stored
 * message; the SMS dispatcher sends it.
 *
 * The helpers below build each event's values from the case at the step that knows them: the
 * salutation is the masked name (`salutation`), an account only its last four digits, free texts
 * one short line without long digit runs. A value the message rules refuse (a township name longer
 * than a message allows, say) is logged and the message left out: telling someone is never a reason
 * for a case step to fail. A store failure is thrown, so the step is retried and writes it then.
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import type { HumanTask, HumanTaskDecision } from "#adapters/human-task-store.ts";
import type { MessageRecipient, StoredMessage } from "#adapters/message-store.ts";
import type { PaymentAttempt } from "#adapters/payments/payment-store.ts";
import type { Role } from "#core/access/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { AidFlowError } from "#core/errors.ts";
import {
  type MessageEvent,
  type MessageEventKind,
  parseMessageEvent,
  renderMessage,
  salutation,
  templatesFor,
  variablesOf,
} from "#core/messages/index.ts";
import { Yuan } from "#core/money/index.ts";
import type { FlowDeps } from "../ports.ts";

/** The signature of a county that stored no SMS settings: the inbox shows it nowhere, SMS needs one. */
export const DEFAULT_SIGN_NAME = "临时救助";

/** What the paperwork message asks the applicant to bring (DOMAIN §3.4: the facts of the case). */
export const PAPERWORK_ITEMS = "身份证件、困难情况证明";

/** What a message calls a township the directory has no name for. */
const TOWNSHIP_UNNAMED = "所在乡镇";

/** Characters of a free text (reason, outcome) in a message: the shortest budget of those variables. */
const FREE_TEXT_CHARS_MAX = 16;

export type NotifyDeps = Pick<FlowDeps, "cases" | "messages" | "directory" | "now" | "log">;

export interface NotifyIds {
  /** The case the message is about; it begins the message id. */
  caseId: string;
  /** What makes this message one of its kind on the case (a task id, a payment attempt…). */
  discriminator: string;
  /** The county, when the recipient does not name it (an applicant): read from the case otherwise. */
  countyId?: string;
  /** The applicant's account, when known; read from the case otherwise. */
  applicantUserId?: string;
}

/**
 * Renders and stores one message; the stored message, or undefined when the rules refused its
 * values (logged). A message of the same id already stored is left as it is.
 */
export async function notify(
  deps: NotifyDeps,
  event: MessageEvent,
  recipient: MessageRecipient,
  ids: NotifyIds,
): Promise<StoredMessage | undefined> {
  let countyId = recipient.kind === "staff" ? recipient.countyId : ids.countyId;
  let applicantUserId = ids.applicantUserId;
  if (recipient.kind === "applicant" && (!countyId || applicantUserId === undefined)) {
    const record = await deps.cases.get(recipient.caseId);
    countyId = record.countyId;
    applicantUserId = record.applicant.userId;
  }
  if (!countyId) throw new Error(`no county for the message about ${ids.caseId}`);
  const settings = await deps.messages.settingsForMessages(countyId);
  const messageId = `${ids.caseId}:${event.kind}:${ids.discriminator}`;
  let message: StoredMessage;
  try {
    const checked = parseMessageEvent(event);
    message = {
      messageId,
      countyId,
      caseId: ids.caseId,
      recipient,
      ...(recipient.kind === "applicant" && applicantUserId ? { applicantUserId } : {}),
      event: checked,
      rendered: renderMessage(checked, {
        templates: templatesFor(settings?.templates),
        signName: settings?.sms?.signName ?? DEFAULT_SIGN_NAME,
      }),
      createdAt: deps.now().toISOString(),
    };
  } catch (error) {
    if (!(error instanceof AidFlowError)) throw error;
    deps.log.error("message left out: its values break the message rules", {
      messageId,
      event: event.kind,
      code: error.code,
      error: error.message,
    });
    return undefined;
  }
  await deps.messages.record(message);
  return message;
}

// ── Applicant messages built from the case ────────────────────────────────────────────────────────

/** One short line for a message: no line breaks, brackets or long digit runs, cut with an ellipsis. */
export function shortText(text: string, charsMax = FREE_TEXT_CHARS_MAX): string {
  const line = text
    .replace(/\s+/g, " ")
    .replace(/[【】[\]]/g, "")
    .replace(/\d{7,}/g, "…")
    .trim();
  const chars = [...line];
  return chars.length <= charsMax ? line : `${chars.slice(0, charsMax - 1).join("")}…`;
}

/**
 * The township's name as messages show it; words, never its code, when the directory has none (a
 * message is read by the applicant).
 */
async function townshipName(deps: NotifyDeps, townshipId: string): Promise<string> {
  return (await deps.directory.township(townshipId))?.name ?? TOWNSHIP_UNNAMED;
}

/**
 * A message to the case's applicant: salutation, case number and township are filled in from the
 * case when the event uses them, the other values given.
 */
export async function notifyApplicant(
  deps: NotifyDeps,
  record: Pick<CaseRecord, "caseId" | "countyId" | "townshipId" | "applicant">,
  kind: MessageEventKind,
  values: Record<string, string | number>,
  discriminator: string,
): Promise<StoredMessage | undefined> {
  const wanted = variablesOf(kind);
  const common: Record<string, string | number> = {};
  if (wanted.includes("salutation")) common.salutation = salutation(record.applicant.name);
  if (wanted.includes("caseNumber")) common.caseNumber = record.caseId;
  if (wanted.includes("township")) common.township = await townshipName(deps, record.townshipId);
  return notify(
    deps,
    { kind, values: { ...common, ...values } } as MessageEvent,
    { kind: "applicant", caseId: record.caseId },
    {
      caseId: record.caseId,
      discriminator,
      countyId: record.countyId,
      applicantUserId: record.applicant.userId ?? "",
    },
  );
}

/** Integer fen of a 2-decimal yuan text. */
function fenOf(amountYuan: string): number {
  return Number(Yuan.parse(amountYuan).toFenString());
}

/** The application is received: what happens next and by when (the approver's response time). */
export async function notifyApplicationReceived(
  deps: NotifyDeps,
  record: CaseRecord,
  responseTimeHours: number,
): Promise<void> {
  await notifyApplicationReceivedBy(
    deps,
    record,
    new Date(Date.parse(record.filedAt) + responseTimeHours * 3_600_000),
  );
}

/**
 * The application is received and will be answered by `decideBy` (Flow A: the approver's response
 * time; Flow B: the ordinary processing limit of the assessment).
 */
export async function notifyApplicationReceivedBy(
  deps: NotifyDeps,
  record: CaseRecord,
  decideBy: Date,
): Promise<void> {
  await notifyApplicant(
    deps,
    record,
    "application-received",
    { decideBy: localDateOf(decideBy.getTime()) },
    "filed",
  );
}

/** The 公示 of a staged plan has started: from when to when, where; one message per notice round. */
export async function notifyPublicNotice(
  deps: NotifyDeps,
  record: CaseRecord,
  notice: { round: number; startedAt: string; endsAt: string },
): Promise<void> {
  await notifyApplicant(
    deps,
    record,
    "public-notice",
    {
      noticeFrom: localDateOf(Date.parse(notice.startedAt)),
      noticeTo: localDateOf(Date.parse(notice.endsAt)),
    },
    `round-${notice.round}`,
  );
}

/** What the follow-up decided, in the applicant's words. */
function followUpOutcome(decision: Record<string, unknown>): string {
  const parts: string[] = [];
  if (decision.additionalAid) parts.push("追加临时救助");
  if (decision.staged) parts.push("转入分阶段救助");
  if (Array.isArray(decision.referrals) && decision.referrals.length > 0) parts.push("转介相关部门");
  if (decision.recovery) parts.push("追回救助金");
  if (decision.close) parts.push("办结");
  return shortText(parts.join("、") || "已确定");
}

/**
 * A recorded decision the applicant hears of: the advance (approved with its amount, refused with
 * the reason) and the follow-up. Other decisions are staff's own.
 */
export async function notifyDecision(
  deps: NotifyDeps,
  caseId: string,
  taskType: string,
  recorded: HumanTaskDecision,
): Promise<void> {
  if (taskType !== "advance-decision" && taskType !== "follow-up") return;
  const record = await deps.cases.get(caseId);
  const decision = recorded.decision;
  if (taskType === "advance-decision") {
    if (decision.decision === "approve" && typeof decision.amountYuan === "string") {
      await notifyApplicant(
        deps,
        record,
        "advance-approved",
        { amount: fenOf(decision.amountYuan) },
        "decided",
      );
    } else if (decision.decision === "reject") {
      const reason = shortText(typeof decision.reason === "string" ? decision.reason : "不符合救助条件");
      await notifyApplicant(deps, record, "advance-refused", { reason }, "decided");
    }
  } else if (taskType === "follow-up") {
    await notifyApplicant(
      deps,
      record,
      "follow-up-decision",
      { outcome: followUpOutcome(decision) },
      recorded.decidedAt,
    );
  }
}

/** The last four digits of a masked account (`****5678`). */
function tailOf(accountMasked: string): string | undefined {
  const digits = accountMasked.replace(/\D/g, "");
  return digits.length >= 4 ? digits.slice(-4) : undefined;
}

/**
 * A bank transfer's outcome as the applicant hears it: money sent (a stage of a plan: stage paid),
 * or the transfer failed and what to do. One message per attempt: a re-delivered callback or a
 * poll that finds the outcome again writes nothing new. Cash is handed over in person: no message.
 */
export async function notifyPaymentOutcome(deps: NotifyDeps, attempt: PaymentAttempt): Promise<void> {
  if (attempt.method !== "bank" || !attempt.payee) return;
  if (attempt.status !== "confirmed" && attempt.status !== "failed") return;
  const accountTail = tailOf(attempt.payee.accountMasked);
  if (!accountTail) return;
  const record = await deps.cases.get(attempt.caseId);
  const amount = fenOf(attempt.amountYuan);
  const discriminator = `${attempt.obligationId}-a${attempt.attempt}`;
  const bank = shortText(attempt.payee.bankName, 12);
  if (attempt.status === "failed") {
    await notifyApplicant(deps, record, "transfer-failed", { amount, bank, accountTail }, discriminator);
    return;
  }
  const stage = /\.stage-(\d+)$/.exec(attempt.obligationId);
  const stages = (record as { plan?: { stages?: unknown[] } }).plan?.stages?.length ?? 0;
  if (stage && stages > 0) {
    await notifyApplicant(
      deps,
      record,
      "stage-paid",
      { stage: Number(stage[1]), stages, amount, accountTail },
      discriminator,
    );
    return;
  }
  await notifyApplicant(deps, record, "money-sent", { amount, bank, accountTail }, discriminator);
}

/** The paperwork is due by `dueAt`: what to bring, where, by when. */
export async function notifyPaperworkDue(deps: NotifyDeps, record: CaseRecord, dueAt: string): Promise<void> {
  await notifyApplicant(
    deps,
    record,
    "paperwork-due",
    { dueDate: localDateOf(Date.parse(dueAt)), items: PAPERWORK_ITEMS },
    "due",
  );
}

/** The applicant withdrew the application. */
export async function notifyWithdrawn(deps: NotifyDeps, record: CaseRecord): Promise<void> {
  await notifyApplicant(deps, record, "withdrawal-confirmed", {}, "withdrawn");
}

/** 办结告知 with the county's 好差评 link; a county that stored no link gets no close message. */
export async function notifyClosed(deps: NotifyDeps, record: CaseRecord): Promise<void> {
  const ratingUrl = (await deps.messages.settingsForMessages(record.countyId))?.ratingUrl;
  if (!ratingUrl) return;
  await notifyApplicant(deps, record, "case-closed", { ratingUrl }, "closed");
}

// ── Staff messages ────────────────────────────────────────────────────────────────────────────────

/** The short names of the tasks (at most 10 characters: the `task` variable's budget). */
export const TASK_NAMES: Readonly<Record<string, string>> = {
  "advance-decision": "先行救助审批",
  "payment-route": "确定发放方式",
  "fund-replenishment": "补足备用金",
  paperwork: "补齐手续",
  "follow-up": "确定跟进措施",
  "additional-aid-approval": "追加救助审批",
  recovery: "追回救助金",
  assessment: "救助方案评估",
  "public-notice": "方案公示",
  "plan-approval": "救助方案审批",
  "plan-funds": "补足方案资金",
  "stage-recheck": "阶段复核",
};

/** Who a task's notification goes to: a township role, or a county role. */
export interface StaffAddress {
  role: Role;
  townshipId?: string;
}

/** A task's staff message is one per task and role: `<taskType>.<token digest>-<role>`. */
function staffTaskDiscriminator(taskId: string, role: Role): string {
  return `${taskId.replaceAll("#", ".")}-${role}`;
}

const STAFF_TASK_MESSAGE_ID = /^[^:]+:task-(?:assigned|escalated):([a-z-]+)\.[0-9a-f]+-[a-z-]+$/;

/** The task type a task's staff message (`notifyStaffOfTask`) is about; undefined for other messages. */
export function taskTypeOfStaffMessage(messageId: string): string | undefined {
  return STAFF_TASK_MESSAGE_ID.exec(messageId)?.[1];
}

/**
 * A task opened in a role's queue: `task-assigned`, or `task-escalated` when the wait is the county's
 * because the township's timed out. A task without a deadline is not announced as assigned (the
 * message states one). The stored message (also one stored before: a retried opening), or undefined
 * when none is sent (no deadline, or values the message rules refused).
 */
export async function notifyStaffOfTask(
  deps: NotifyDeps,
  task: Pick<HumanTask, "caseId" | "countyId" | "townshipId" | "taskId" | "taskType" | "escalated" | "dueAt">,
  address: StaffAddress,
): Promise<StoredMessage | undefined> {
  const recipient: MessageRecipient = {
    kind: "staff",
    countyId: task.countyId,
    ...(address.townshipId ? { townshipId: address.townshipId } : {}),
    role: address.role,
  };
  const common = {
    township: await townshipName(deps, task.townshipId),
    task: TASK_NAMES[task.taskType] ?? "待办事项",
    caseNumber: task.caseId,
  };
  const ids = { caseId: task.caseId, discriminator: staffTaskDiscriminator(task.taskId, address.role) };
  if (task.escalated) return notify(deps, { kind: "task-escalated", values: common }, recipient, ids);
  if (!task.dueAt) return undefined;
  return notify(
    deps,
    { kind: "task-assigned", values: { ...common, deadline: new Date(task.dueAt).toISOString() } },
    recipient,
    ids,
  );
}
