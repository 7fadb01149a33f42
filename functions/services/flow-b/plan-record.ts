/**
 * What Flow B keeps on the case (`plan` on the `CASE#<id>` item, functions/adapters/case-store.ts):
 * the assessment and its versions, the notice and objections, the approval, the commitment, the
 * dated re-checks and the suspicions. Amounts are 2-decimal yuan strings (ARCHITECTURE §3.1).
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { Yuan } from "#core/money/index.ts";
import type { FlowDeps } from "../ports.ts";

export interface PlanStage {
  index: number;
  dueDate: string;
  /** 00:00 Asia/Shanghai on the due date (the Wait's `TimestampPath`). */
  dueAt: string;
  amountYuan: string;
}

export interface PlanVersionSummary {
  version: number;
  totalYuan: string;
  stageAmountsYuan: string[];
  approvalLevel: string;
  adjusted: boolean;
  recordedBy: string;
  recordedAt: string;
}

export interface Objection {
  objectionId: string;
  noticeRound: number;
  receivedOn: string;
  grounds: string;
  objector: string;
  recordedBy: string;
  recordedAt: string;
  response?: string;
}

export interface Recheck {
  stage: number;
  checkedOn: string;
  outcome: string;
  findings: string;
  checkedBy: string;
  recordedAt: string;
  escalated: boolean;
}

export interface Suspicion {
  suspicionId: string;
  source: string;
  description: string;
  raisedBy: string;
  raisedAt: string;
  status: "open" | "reviewed";
  review?: { finding: string; by: string; at: string; stage: number };
}

export interface PlanRecord {
  startedAt: string;
  enteredFrom: "filing" | "flow-a";
  version: number;
  assessment?: Record<string, unknown>;
  totalYuan?: string;
  approvalLevel?: "township" | "county";
  stages?: PlanStage[];
  versions: PlanVersionSummary[];
  notice?: {
    round: number;
    status: "running" | "objected" | "ended";
    startedAt: string;
    endsAt: string;
    days: number;
    text: Record<string, unknown>;
  };
  noticeExempt?: string;
  objections: Objection[];
  approval?: Record<string, unknown>;
  commitment?: { entryId: string; amountYuan: string; committedAt: string };
  rechecks: Recheck[];
  suspicions: Suspicion[];
}

export type FlowBCase = CaseRecord & { plan?: PlanRecord };

export function planOf(record: CaseRecord): PlanRecord {
  const plan = (record as FlowBCase).plan;
  return (
    plan ?? {
      startedAt: "",
      enteredFrom: "filing",
      version: 0,
      versions: [],
      objections: [],
      rechecks: [],
      suspicions: [],
    }
  );
}

export function stagePurpose(index: number): string {
  return `stage-${index}`;
}

/** True for the purpose of a Flow B stage payment (`stagePurpose`). */
export function isStagePurpose(purpose: string): boolean {
  return /^stage-\d+$/.test(purpose);
}

/** The stages that were paid (obligation confirmed), from the payments module — never from a counter. */
export async function paidStages(
  deps: FlowDeps,
  record: CaseRecord,
): Promise<{ index: number; amountYuan: string }[]> {
  const paid = [];
  for (const stage of planOf(record).stages ?? []) {
    const obligation = await deps.payments.getObligation(
      obligationIdFor(record.caseId, stagePurpose(stage.index)),
    );
    if (obligation?.status === "paid") paid.push({ index: stage.index, amountYuan: obligation.amountYuan });
  }
  return paid;
}

/** Aid approved on the case before the plan (Flow A's advance and follow-up aid): counts against the cap. */
export async function approvedBeforePlan(deps: FlowDeps, caseId: string): Promise<Yuan[]> {
  const amounts: Yuan[] = [];
  for (const purpose of ["advance", "follow-up"]) {
    const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
    if (obligation) amounts.push(Yuan.parse(obligation.amountYuan));
  }
  return amounts;
}
