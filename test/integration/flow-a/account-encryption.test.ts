/**
 * Bank account numbers at rest (DOMAIN §7, field-level encryption): a case filed with an account,
 * paid by the bank and re-routed to another account leaves no plain account number in any stored item
 * of either table; the case keeps the number sealed, its keyed hash (the only way to search for it)
 * and the masked tail that displays show — and the bank still receives the full number.
 */
import { createHmac } from "node:crypto";
import { GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveAndPay, type FlowAWorld, fileAndWait, filing, key, startFlowAWorld } from "./world.ts";

const PAYEE_HASH_SECRET = "flow-a-payee-hash-secret-00000001";
const FILED_ACCOUNT = "6217000098761234";
const CLOSED_ACCOUNT = "6217000055554321";
const REROUTED_ACCOUNT = "6221880000009876";

let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-acct", knobs: { closedAccounts: [CLOSED_ACCOUNT] } });
});

afterAll(async () => {
  await world?.close();
});

/** Every item of the table as stored, in raw JSON (no adapter in between). */
async function rawItems(table: string): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await world.runtime.dynamo.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const item of page.Items ?? []) items.push(JSON.stringify(item));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

async function rawCase(caseId: string): Promise<Record<string, unknown>> {
  const got = await world.runtime.dynamo.send(
    new GetItemCommand({
      TableName: world.runtime.tables.main,
      Key: { pk: { S: `CASE#${caseId}` }, sk: { S: "CASE" } },
    }),
  );
  if (!got.Item) throw new Error(`no item for ${caseId}`);
  return unmarshall(got.Item);
}

const hmac = (account: string) => createHmac("sha256", PAYEE_HASH_SECRET).update(account).digest("hex");

describe("bank account numbers are stored sealed, searchable by keyed hash only", () => {
  it("a filed case keeps the account sealed with its keyed hash and tail; the bank is paid to the full number", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const body = filing({
      applicant: {
        name: "张伟",
        document: { type: "resident-id", number: "230123198001011238" },
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217 0000 9876 1234" },
    });

    // Act
    const caseId = await fileAndWait(world, applicant, body);
    const stored = await rawCase(caseId);
    await approveAndPay(world, approver, caseId, "800.00");

    // Assess
    const bank = (stored.payout as { bank: Record<string, string> }).bank;
    expect(Object.keys(bank).sort()).toEqual([
      "accountHash",
      "accountMasked",
      "accountSealed",
      "bankName",
      "holderName",
    ]);
    expect(bank.accountMasked).toBe("************1234");
    expect(bank.accountHash).toBe(hmac(FILED_ACCOUNT));
    expect(bank.accountSealed).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(FILED_ACCOUNT);
    const paid = world.bank.simulator.transfers().find((t) => t.request.reference === caseId);
    expect(paid?.request.payee.bankAccount).toBe(FILED_ACCOUNT);
    for (const table of [world.runtime.tables.main, world.runtime.tables.ledger]) {
      const leaking = (await rawItems(table)).filter((item) => item.includes(FILED_ACCOUNT));
      expect(leaking, table).toEqual([]);
    }
  });

  it("an account given when re-routing a failed transfer is sealed too, and the case shows only its tail", async () => {
    // Prepare: the filed account is closed at the bank
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const officer = await world.signIn("officer-chengguan-1");
    const caseId = await fileAndWait(
      world,
      applicant,
      filing({
        hardship: { cause: "traffic-accident" },
        bankAccount: { holderName: "张伟", bankName: "农村信用社", account: CLOSED_ACCOUNT },
      }),
    );
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "500.00" },
      key("approve"),
    );
    expect(approved.status, approved.text).toBe(200);
    await world.settleBank(caseId);
    await world.openTask(caseId, "payment-route");

    // Act
    const rerouted = await officer.post(
      `/cases/${caseId}/reroute`,
      {
        payee: { name: "张伟", bankName: "邮储银行", bankAccount: REROUTED_ACCOUNT },
        reason: "原账户已销户，改用本人邮储账户",
      },
      key("reroute"),
    );
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");
    const shown = await officer.get(`/cases/${caseId}/progress`);

    // Assess
    expect(rerouted.status, rerouted.text).toBe(200);
    const bank = ((await rawCase(caseId)).payout as { bank: Record<string, string> }).bank;
    expect(bank.accountHash).toBe(hmac(REROUTED_ACCOUNT));
    expect(bank.accountSealed).toMatch(/^v1\./);
    expect(bank.account).toBeUndefined();
    expect(shown.status, shown.text).toBe(200);
    expect(shown.text).toContain("************9876");
    expect(shown.text).not.toContain(REROUTED_ACCOUNT);
    const transfers = world.bank.simulator.transfers().filter((t) => t.request.reference === caseId);
    expect(transfers.map((t) => t.request.payee.bankAccount)).toEqual([CLOSED_ACCOUNT, REROUTED_ACCOUNT]);
    for (const table of [world.runtime.tables.main, world.runtime.tables.ledger]) {
      const leaking = (await rawItems(table)).filter(
        (item) => item.includes(REROUTED_ACCOUNT) || item.includes(CLOSED_ACCOUNT),
      );
      expect(leaking, table).toEqual([]);
    }
  });
});
