/**
 * The promises of DOMAIN §5, checked after every full-flow run on what the county STORED (read
 * straight from DynamoDB Local, no faults) and what the bank did — never on the driver's beliefs:
 *
 * 1–2, 5–6: the fund's ledger (fund-invariants.ts): Σ entries = balance, balance ≥ committed ≥ 0
 *    after every entry, the chain verifies, the stored head = the replay;
 * 3. no obligation paid twice: ≤ 1 confirmed attempt, ≤ 1 transfer paid by the bank, the fund's net
 *    outflow for it (draws − reversals) is 0 or its amount — its amount once paid;
 * 4. every draw and commitment ↔ an approved decision of its case for that amount (the decision the
 *    county's reconciliation matches too, functions/services/finance/matching-source.ts); every
 *    transfer the bank paid ↔ an unreversed draw;
 * 7. every case is closed, or waits on someone named (an open task with roles and a deadline), or on
 *    the plan's next stage date (Flow B between stages).
 */

import { CaseStore } from "#adapters/case-store.ts";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import { decisionFor } from "#functions/services/finance/matching-source.ts";
import { checkFundLedger, checkPaidOnce, type FundInvariant } from "../fund-invariants.ts";
import type { Progress, World } from "./driver.ts";

export type CountyInvariant =
  | FundInvariant
  | "no-double-payment"
  | "draw-has-approved-decision"
  | "case-closed-or-waiting";

export interface CountyViolation {
  invariant: CountyInvariant;
  detail: string;
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

export async function checkCountyInvariants(world: World): Promise<CountyViolation[]> {
  const { county, run } = world;
  const violations: CountyViolation[] = [];
  const fail = (invariant: CountyInvariant, detail: string) => violations.push({ invariant, detail });
  const store = new LedgerStore(county.dynamo, county.tables);
  const payments = new PaymentStore({ client: county.doc, tableName: county.tables.main, logger: silent });
  const cases = new CaseStore(county.doc, county.tables.main);

  // 1, 2, 5, 6
  const entries = await checkFundLedger(store, run.townshipId, fail);

  // 3. no obligation paid twice
  const transfers = county.bank.simulator.transfers();
  const obligationIds = new Set<string>();
  for (const e of entries) if (e.reference.obligationId) obligationIds.add(e.reference.obligationId);
  for (const c of world.cases) {
    if (!c.caseId) continue;
    for (const purpose of ["advance", "follow-up"]) {
      if (await payments.getObligation(`${c.caseId}.${purpose}`)) obligationIds.add(`${c.caseId}.${purpose}`);
    }
  }
  await checkPaidOnce(payments, obligationIds, entries, transfers, fail);

  // 4. every draw / commitment ↔ an approved decision; every paid transfer ↔ an unreversed draw
  const records = new Map<string, Awaited<ReturnType<CaseStore["get"]>>>();
  const recordOf = async (caseId: string) => {
    if (!records.has(caseId)) records.set(caseId, await cases.get(caseId));
    return records.get(caseId) as Awaited<ReturnType<CaseStore["get"]>>;
  };
  for (const e of entries.filter((x) => x.kind === "draw" || x.kind === "commit")) {
    const caseId = e.reference.caseId;
    if (!caseId) {
      fail("draw-has-approved-decision", `${e.entryId} (${e.kind} ${e.amountYuan}) names no case`);
      continue;
    }
    const record = await recordOf(caseId);
    if (e.kind === "commit") {
      const approval = (record as { plan?: { approval?: { decision?: string } } }).plan?.approval;
      if (approval?.decision !== "approve")
        fail("draw-has-approved-decision", `${e.entryId}: committed without an approved plan`);
      continue;
    }
    const purpose = (e.reference.obligationId ?? "").slice(caseId.length + 1);
    const decision = decisionFor(record, purpose);
    if (!decision?.approved) {
      fail(
        "draw-has-approved-decision",
        `${e.entryId}: drew ${e.amountYuan} for ${purpose} with no approved decision`,
      );
    } else if (decision.amountYuan && !decision.amountYuan.equals(e.amountYuan)) {
      fail(
        "draw-has-approved-decision",
        `${e.entryId}: drew ${e.amountYuan}, the decision approved ${decision.amountYuan}`,
      );
    }
  }
  const runInstructions = new Set(entries.map((e) => e.reference.paymentId).filter(Boolean));
  for (const t of transfers) {
    if (t.status !== "confirmed" || t.request.payer.fund !== run.townshipId) continue;
    const drawn = entries.some((e) => e.kind === "draw" && e.reference.paymentId === t.instructionId);
    const reversed = entries.some((e) => e.kind === "reversal" && e.reference.paymentId === t.instructionId);
    if (!drawn || reversed || !runInstructions.has(t.instructionId)) {
      fail(
        "draw-has-approved-decision",
        `bank transfer ${t.instructionId} (${t.request.amountYuan}) was paid without ${drawn ? "an unreversed" : "a"} draw`,
      );
    }
  }

  // 7. closed, or waiting on someone named with a deadline, or on the plan's next stage date
  for (const c of world.cases) {
    if (!c.caseId) continue;
    const got = await world.clients.civil.get<Progress>(`/cases/${c.caseId}/progress`);
    if (got.status !== 200) {
      fail("case-closed-or-waiting", `${c.key}: progress answered ${got.status}`);
      continue;
    }
    const view = got.body;
    if (view.case.status === "closed") continue;
    const waitsOnSomeone = view.tasks.some(
      (t) => t.status === "open" && t.assigneeRoles.length > 0 && t.dueAt !== null,
    );
    const waitsForStageDate = view.case.status === "stage-waiting" && Boolean(view.case.dueAt);
    if (!waitsOnSomeone && !waitsForStageDate) {
      const open = view.tasks.filter((t) => t.status === "open").map((t) => t.taskType);
      fail(
        "case-closed-or-waiting",
        `${c.key} (${c.caseId}): ${view.case.status}, open tasks [${open.join(", ")}] — nobody named with a deadline`,
      );
    }
  }
  return violations;
}
