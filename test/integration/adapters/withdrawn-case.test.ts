/**
 * A withdrawal and a decision on the same case: exactly one wins (DOMAIN §1, §5 "nothing lost,
 * nothing twice"). The case store makes the withdrawal final — no step changes a withdrawn case —
 * and judges the withdrawal's refusal rules on the very version it writes over, so an approval
 * whose effects land between the withdrawal's read and its write refuses the withdrawal.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { CaseStore } from "#adapters/case-store.ts";
import { BusinessRuleError, ConflictError } from "#core/errors.ts";
import { withdrawalRefusal } from "#functions/services/queries/withdrawal.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { createTestTables } from "#test/support/dynamo.ts";

const CASE_ID = "C20260302-0000000007";

async function storedCase(label: string) {
  const tables = await createTestTables(label);
  const doc = DynamoDBDocumentClient.from(tables.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  await doc.send(
    new PutCommand({
      TableName: tables.names.main,
      Item: {
        pk: `CASE#${CASE_ID}`,
        sk: "CASE",
        caseId: CASE_ID,
        flow: "A",
        countyId: "230123",
        townshipId: "230123100",
        status: "awaiting-advance-decision",
        filedAt: "2026-03-02T01:00:00.000Z",
        applicant: { name: "张三", personKey: "person-key-7" },
        hardship: { cause: "fire" },
        handledBy: [],
        version: 1,
      },
    }),
  );
  return { tables, doc };
}

describe("a withdrawn case and the steps that come after it", () => {
  it("refuses every later change with 409 — a late decision or flow step moves nothing", async () => {
    // Prepare
    const { tables, doc } = await storedCase("wd-final");
    const cases = new CaseStore(doc, tables.names.main);
    await cases.update(CASE_ID, {
      event: { type: "case.withdrawn" },
      expectStatus: ["awaiting-advance-decision"],
    });

    // Act
    const late = cases.update(CASE_ID, {
      set: { advance: { decision: "approve" } },
      event: { type: "advance.approved" },
    });

    // Assess
    await expect(late).rejects.toBeInstanceOf(ConflictError);
    await expect(late).rejects.toMatchObject({
      statusCode: 409,
      messageZh: expect.stringContaining("已撤回"),
    });
    const stored = await cases.get(CASE_ID);
    expect(stored.status).toBe("withdrawn");
    expect(stored.advance).toBeUndefined();
    expect(stored.version).toBe(2);
  });

  it("an approval landing between the withdrawal's read and its write refuses the withdrawal (422)", async () => {
    // Prepare: the approval's effects are written by someone else just before the withdrawal's
    // conditional write reaches DynamoDB (a middleware holds that write until they have landed).
    const { tables, doc } = await storedCase("wd-guard");
    const approver = new CaseStore(doc, tables.names.main);
    const ownClient = localDynamoClient(tables.endpoint);
    const withdrawalClient = DynamoDBDocumentClient.from(ownClient, {
      marshallOptions: { removeUndefinedValues: true },
    });
    let approvals = 0;
    withdrawalClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (String(context.commandName).startsWith("Update") && approvals === 0) {
          approvals += 1;
          await approver.update(CASE_ID, { set: { advance: { decision: "approve", amountYuan: "800.00" } } });
        }
        return next(args);
      },
      { step: "initialize", name: "approvalLandsFirst" },
    );
    const withdrawer = new CaseStore(withdrawalClient, tables.names.main);

    // Act
    const withdrawal = withdrawer.update(CASE_ID, {
      event: { type: "case.withdrawn" },
      expectStatus: ["awaiting-advance-decision"],
      guard: withdrawalRefusal,
    });

    // Assess
    await expect(withdrawal).rejects.toBeInstanceOf(BusinessRuleError);
    expect(approvals).toBe(1);
    const stored = await approver.get(CASE_ID);
    expect(stored.status).toBe("awaiting-advance-decision");
    expect(stored.advance).toMatchObject({ decision: "approve" });
    ownClient.destroy();
  });
});
