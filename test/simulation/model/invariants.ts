/**
 * The promises of DOMAIN §5, checked after every run against what is STORED (read on a client
 * without faults) — not against the driver's beliefs:
 *
 * 1. Σ entries = balance change (and Σ commits − releases − stage draws = committed);
 * 2. balance ≥ committed ≥ 0 after every entry and at the head;
 * 3. no obligation paid twice: ≤ 1 confirmed attempt, ≤ 1 confirmed transfer at the bank, and the
 *    ledger's net outflow for it (draws − reversals) is 0 or its amount — its amount when paid;
 * 4. every draw ↔ an approved decision of its case; every confirmed bank transfer ↔ an unreversed draw;
 * 5. the chain verifies (`LedgerStore.verify`);
 * 6. the stored head = the replay of its entries;
 * 7. every case is closed or waiting with a named owner and a deadline — and what is stored agrees;
 * 8. every entry id is in the ledger once, and every late retry (driver.ts `lateRetry`) was answered
 *    with the original entry.
 */
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import type { ChainedEntry } from "#core/ledger/index.ts";
import { checkFundLedger, checkPaidOnce } from "../fund-invariants.ts";
import type { RunState } from "./actions.ts";
import { type SimTables, simClient } from "./world.ts";

export type InvariantName =
  | "sum-of-entries"
  | "balance>=committed>=0"
  | "no-double-payment"
  | "draw-has-approved-decision"
  | "chain-verifies"
  | "head-equals-replay"
  | "case-closed-or-waiting"
  | "entry-applied-once";

export interface Violation {
  invariant: InvariantName;
  detail: string;
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

export async function checkInvariants(state: RunState, tables: SimTables): Promise<Violation[]> {
  const client = simClient(tables);
  const violations: Violation[] = [];
  const fail = (invariant: InvariantName, detail: string) => violations.push({ invariant, detail });
  try {
    const store = new LedgerStore(client, { ledger: tables.names.ledger, main: tables.names.main });
    const payments = new PaymentStore({ client, tableName: tables.names.main, logger: silent });
    const doc = DynamoDBDocumentClient.from(client);
    const allEntries: ChainedEntry[] = [];

    for (const fund of state.funds) {
      // 1, 2, 5, 6: the fund's own ledger (fund-invariants.ts, shared with the county simulation).
      allEntries.push(...(await checkFundLedger(store, fund.fundId, fail)));
    }

    // 8. each id once, forever
    const ids = new Map<string, number>();
    for (const e of allEntries)
      ids.set(`${e.fundId}/${e.entryId}`, (ids.get(`${e.fundId}/${e.entryId}`) ?? 0) + 1);
    for (const [id, count] of ids)
      if (count > 1) fail("entry-applied-once", `${id} is in the ledger ${count} times`);
    for (const failure of state.lateRetryFailures) fail("entry-applied-once", failure);

    // 3. no obligation paid twice
    const transfers = state.world.bank.transfers();
    const obligationIds = new Set(state.cases.flatMap((c) => c.obligations));
    for (const e of allEntries) if (e.reference.obligationId) obligationIds.add(e.reference.obligationId);
    await checkPaidOnce(payments, obligationIds, allEntries, transfers, fail);

    // 4. every draw ↔ an approved decision; every confirmed transfer ↔ an unreversed draw
    const decisions = new Map<string, Record<string, unknown> | undefined>();
    for (const e of allEntries.filter((x) => x.kind === "draw" || x.kind === "commit")) {
      const decisionId = e.reference.decisionId;
      if (!decisionId) {
        fail(
          "draw-has-approved-decision",
          `${e.fundId} entry ${e.sequence} (${e.entryId}) names no decision`,
        );
        continue;
      }
      if (!decisions.has(decisionId)) {
        const got = await doc.send(
          new GetCommand({
            TableName: tables.names.main,
            Key: { pk: `SIM#DECISION#${decisionId}`, sk: "DECISION" },
            ConsistentRead: true,
          }),
        );
        decisions.set(decisionId, got.Item);
      }
      const decision = decisions.get(decisionId);
      if (decision?.decision !== "approve" || decision.caseId !== e.reference.caseId) {
        fail(
          "draw-has-approved-decision",
          `${e.entryId}: decision ${decisionId} is ${String(decision?.decision ?? "missing")}`,
        );
      } else if (
        e.kind === "draw" &&
        e.drawKind === "advance" &&
        decision.amountYuan !== e.amountYuan.toString()
      ) {
        fail(
          "draw-has-approved-decision",
          `${e.entryId}: drew ${e.amountYuan}, the decision approved ${String(decision.amountYuan)}`,
        );
      }
    }
    for (const t of transfers.filter((x) => x.status === "confirmed")) {
      const drawn = allEntries.some((e) => e.kind === "draw" && e.reference.paymentId === t.instructionId);
      const reversed = allEntries.some(
        (e) => e.kind === "reversal" && e.reference.paymentId === t.instructionId,
      );
      if (!drawn || reversed) {
        fail(
          "draw-has-approved-decision",
          `bank transfer ${t.instructionId} (${t.request.reference}, ${t.request.amountYuan}) was paid without ${drawn ? "an unreversed" : "a"} draw`,
        );
      }
    }

    // 7. every case closed, or waiting with a named owner and a deadline — and the store agrees.
    for (const c of state.cases) {
      const draws = allEntries.filter((e) => e.kind === "draw" && e.reference.caseId === c.caseId);
      if (c.status === "closed") {
        if (!c.outcome) fail("case-closed-or-waiting", `${c.caseId}: closed without an outcome`);
        if (c.outcome === "rejected" && draws.length > 0)
          fail("case-closed-or-waiting", `${c.caseId}: rejected, yet drawn for`);
        if (c.outcome === "paid" || c.outcome === "completed") {
          for (const obligationId of c.obligations) {
            const o = await payments.getObligation(obligationId);
            if (o?.status !== "paid")
              fail(
                "case-closed-or-waiting",
                `${c.caseId}: closed ${c.outcome}, obligation ${obligationId} is ${o?.status}`,
              );
          }
        }
        continue;
      }
      if (c.status === "unfiled") continue;
      if (!c.owner || c.dueAtMs === undefined || !Number.isFinite(c.dueAtMs)) {
        fail("case-closed-or-waiting", `${c.caseId}: ${c.status} without an owner and a deadline`);
      }
      if (c.status === "awaiting-decision" && draws.length > 0)
        fail("case-closed-or-waiting", `${c.caseId}: undecided, yet drawn for`);
      if (c.status === "paying") {
        const o = await payments.getObligation(`${c.caseId}.${c.purpose}`);
        if (o?.status !== "instructed" && o?.status !== "paid")
          fail("case-closed-or-waiting", `${c.caseId}: waits for the bank, obligation is ${o?.status}`);
      }
    }
  } finally {
    client.destroy();
  }
  return violations;
}
