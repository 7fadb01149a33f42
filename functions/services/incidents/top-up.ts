/**
 * County finance tops up every fund an incident drew on in one step (DOMAIN §8 disaster mode): for
 * each township hit, what its households still need — the standard advance of every household neither
 * paid nor refused, less what the fund has available now — is allocated through the finance
 * allocation service (which raises the quota, audits, and pays and resumes the cases waiting for
 * money, oldest first). A township whose fund covers its households is left alone. The allocation
 * is named by the need it covers, so the same need is never allocated twice.
 */
import type { Actor } from "#core/access/index.ts";
import { requireAuthorized } from "#core/access/index.ts";
import { Yuan } from "#core/money/index.ts";
import { allocate, type TopUpResult } from "../finance/funds.ts";
import { readableIncident } from "./declare.ts";
import type { IncidentDeps } from "./deps.ts";
import { type HouseholdRow, householdRows } from "./households.ts";
import type { IncidentTopUpRequest } from "./schemas.ts";

export interface TownshipTopUp {
  townshipId: string;
  name: string;
  /** Households of the township that still need their advance (undecided, approved and not yet drawn, waiting). */
  householdsToPay: number;
  neededYuan: string;
  availableBeforeYuan: string;
  /** What was allocated (0.00 when the fund already covered its households). */
  allocatedYuan: string;
  outcome: "allocated" | "duplicate" | "covered";
  resumedCases: string[];
}

/** Still to be drawn: undecided, approved whose payment has not drawn yet, and waiting for money. */
function stillToPay(row: HouseholdRow): boolean {
  if (row.stage === "awaiting-decision" || row.stage === "waiting-for-funds") return true;
  return row.stage === "approved" && (row.facts.payment === undefined || row.facts.payment.status === "open");
}

export async function topUpIncidentFunds(
  deps: IncidentDeps,
  actor: Actor,
  incidentId: string,
  request: IncidentTopUpRequest,
  correlationId: string,
): Promise<{ incidentId: string; townships: TownshipTopUp[] }> {
  requireAuthorized(actor, "fund.allocate", { countyId: actor.countyId });
  const incident = await readableIncident(deps, actor, incidentId);
  const rows = await householdRows(deps, incident);
  const names = new Map(
    (await deps.flow.directory.townshipsOf(incident.countyId)).map((t) => [t.townshipId, t.name]),
  );
  const standard = Yuan.parse(incident.standardAdvanceYuan);
  const townships: TownshipTopUp[] = [];
  for (const townshipId of incident.townshipIds) {
    const toPay = rows.filter((row) => row.townshipId === townshipId && stillToPay(row));
    const needed = toPay.reduce(
      (sum, row) => sum.plus(row.approvedYuan ? Yuan.parse(row.approvedYuan) : standard),
      Yuan.zero,
    );
    const fund = await deps.flow.ledger.fund(townshipId);
    const available = fund ? Yuan.parse(fund.availableYuan) : Yuan.zero;
    const short = needed.minus(available);
    const base = {
      townshipId,
      name: names.get(townshipId) ?? "所在乡镇",
      householdsToPay: toPay.length,
      neededYuan: needed.toString(),
      availableBeforeYuan: available.toString(),
    };
    if (!short.isPositive()) {
      townships.push({ ...base, allocatedYuan: "0.00", outcome: "covered", resumedCases: [] });
      continue;
    }
    const result: TopUpResult = await allocate(
      deps.finance,
      actor,
      {
        townshipId,
        amountYuan: short.toString(),
        reason: `灾情「${incident.name}」一键补足：${request.reason}`,
      },
      // Named by what the households need now, not by the request: identical requests at once
      // (whatever their keys) book one allocation; a later need is a new one.
      `incident:${incident.incidentId}:${toPay.length}:${needed.toFenString()}:${available.toFenString()}`,
      correlationId,
    );
    townships.push({
      ...base,
      allocatedYuan: result.allocatedYuan,
      outcome: result.outcome === "applied" ? "allocated" : "duplicate",
      resumedCases: result.resumedCases,
    });
  }
  return { incidentId, townships };
}
