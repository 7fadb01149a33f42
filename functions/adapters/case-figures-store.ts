/**
 * The statistical fields of a township's cases, read from the case index (gsi1
 * `CASES#TOWNSHIP#<township>#<status>`, functions/adapters/case-store.ts) with a projection that
 * leaves out every personal field: no name, document, phone, account, address or narrative is read,
 * so none can reach a roll-up. Bounded: a read budget per request (`CASE_FIGURE_ITEMS_MAX`).
 */
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { BusinessRuleError } from "#core/errors.ts";
import type { CaseStatus } from "./case-store.ts";

/** Case items one request reads at most, over all its calls (the budget the caller passes). */
export const CASE_FIGURE_ITEMS_MAX = 200_000;

/** What a roll-up knows of a case: its place, kind, state and deadlines — nothing about the person. */
export interface CaseFigure {
  countyId: string;
  townshipId: string;
  status: CaseStatus;
  flow: "A" | "B";
  hardshipKind?: "urgent" | "expenditure";
  filedAt: string;
  dueAt?: string;
  flaggedOverdue: boolean;
  /** Registration county = county of the emergency (DOMAIN §2.1, statistics only); absent when not recorded. */
  local?: boolean;
  policyVersionId: string;
  advanceDecidedAt?: string;
}

const NAMES = {
  "#county": "countyId",
  "#township": "townshipId",
  "#status": "status",
  "#flow": "flow",
  "#hardship": "hardship",
  "#kind": "kind",
  "#filedAt": "filedAt",
  "#dueAt": "dueAt",
  "#flags": "flags",
  "#overdue": "overdue",
  "#applicant": "applicant",
  "#local": "local",
  "#policy": "policyVersionId",
  "#advance": "advance",
  "#decidedAt": "decidedAt",
};
const PROJECTION = [
  "#county",
  "#township",
  "#status",
  "#flow",
  "#hardship.#kind",
  "#filedAt",
  "#dueAt",
  "#flags.#overdue",
  "#applicant.#local",
  "#policy",
  "#advance.#decidedAt",
].join(", ");

export interface FilingWindow {
  /** Inclusive lower bound of `filedAt` (ISO). */
  fromIso: string;
  /** Exclusive upper bound of `filedAt` (ISO). */
  toIso: string;
}

function figureOf(item: Record<string, unknown>): CaseFigure {
  const hardship = item.hardship as { kind?: string } | undefined;
  const applicant = item.applicant as { local?: unknown } | undefined;
  const advance = item.advance as { decidedAt?: unknown } | undefined;
  const flags = item.flags as { overdue?: unknown } | undefined;
  const kind = hardship?.kind;
  return {
    countyId: String(item.countyId),
    townshipId: String(item.townshipId),
    status: String(item.status) as CaseStatus,
    flow: item.flow === "B" ? "B" : "A",
    ...(kind === "urgent" || kind === "expenditure" ? { hardshipKind: kind } : {}),
    filedAt: String(item.filedAt ?? ""),
    ...(typeof item.dueAt === "string" ? { dueAt: item.dueAt } : {}),
    flaggedOverdue: flags?.overdue === true,
    ...(typeof applicant?.local === "boolean" ? { local: applicant.local } : {}),
    policyVersionId: String(item.policyVersionId ?? ""),
    ...(typeof advance?.decidedAt === "string" ? { advanceDecidedAt: advance.decidedAt } : {}),
  };
}

export class CaseFiguresStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The cases of a township in one status; with a window, only those filed in it. Throws (422) when
   * `budget.left` runs out, rather than answer with figures that miss cases.
   */
  async ofTownship(
    townshipId: string,
    status: CaseStatus,
    window: FilingWindow | undefined,
    budget: { left: number },
  ): Promise<CaseFigure[]> {
    const found: CaseFigure[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ...(window ? { FilterExpression: "#filedAt >= :from AND #filedAt < :to" } : {}),
          ProjectionExpression: PROJECTION,
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ":pk": `CASES#TOWNSHIP#${townshipId}#${status}`,
            ...(window ? { ":from": window.fromIso, ":to": window.toIso } : {}),
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      budget.left -= out.ScannedCount ?? 0;
      if (budget.left < 0) throw tooManyCases();
      for (const item of out.Items ?? []) found.push(figureOf(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }
}

function tooManyCases(): BusinessRuleError {
  return new BusinessRuleError(
    `more than ${CASE_FIGURE_ITEMS_MAX} cases to count in one request: choose a shorter period`,
    `本次需统计的案件超过 ${CASE_FIGURE_ITEMS_MAX} 件，请缩短统计期间`,
    { details: { reason: "too-many-cases" } },
  );
}
