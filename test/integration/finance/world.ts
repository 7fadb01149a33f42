/**
 * County finance on this run's DynamoDB Local (fresh tables per world): the finance deps over the
 * real stores, Flow A/B's `FlowDeps` with a recording workflow port (so resumed waits are seen), a
 * manual clock, and helpers that record what a paid case leaves behind — the case with its
 * approved decision, the payment obligation, attempt and confirmation, and the ledger draw.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CaseRecord } from "#adapters/case-store.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import type { Actor } from "#core/access/index.ts";
import type { LedgerEntryInput } from "#core/ledger/index.ts";
import { createFlowDeps } from "#functions/services/deps.ts";
import { createFinanceDeps, type FinanceDeps } from "#functions/services/finance/deps.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

export const COUNTY = "230123";
export const CHENGGUAN = "230123100";
export const HEDONG = "230123200";

export const finance1: Actor = {
  userId: "finance-1",
  roles: ["county-finance"],
  countyId: COUNTY,
  name: "财务一",
};
export const finance2: Actor = {
  userId: "finance-2",
  roles: ["county-finance"],
  countyId: COUNTY,
  name: "财务二",
};
export const auditor: Actor = { userId: "auditor-1", roles: ["auditor"], countyId: COUNTY, name: "审计一" };
export const officer: Actor = {
  userId: "officer-chengguan-1",
  roles: ["township-officer"],
  countyId: COUNTY,
  townshipId: CHENGGUAN,
  name: "经办一",
};

export interface FinanceWorld {
  tables: TestTables;
  deps: FinanceDeps;
  flow: FlowDeps;
  payments: PaymentStore;
  /** Tokens SendTaskSuccess was called with, and their outputs. */
  resumed: { token: string; output: unknown }[];
  setNow(iso: string): void;
  /** A paid case: approved decision, obligation, attempt (bank or cash), confirmation and the ledger draw. */
  paidCase(input: PaidCaseInput): Promise<{ caseId: string; entryId: string; bankReference: string }>;
  book(entry: Omit<LedgerEntryInput, "fundId">, fundId?: string): Promise<void>;
}

export interface PaidCaseInput {
  caseId: string;
  amountYuan: string;
  method?: "bank" | "cash";
  townshipId?: string;
  local?: boolean;
  cause?: string;
  /** Leave the decision out (the injected "draw without a decision"). */
  withoutDecision?: boolean;
  /** Cash without the officer's signature (the injected "cash draw without signatures"). */
  withoutOfficerSignature?: boolean;
}

export function caseRecord(caseId: string, townshipId: string, extra: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId,
    countyId: COUNTY,
    townshipId,
    status: "paying",
    flow: "A",
    hardship: { kind: "urgent", cause: "fire" },
    description: "house fire",
    applicant: {
      name: "张三丰",
      document: { type: "resident-id", numberMasked: "2301**********1234" },
      personKey: `pk-${caseId}`,
      registration: { countyCode: COUNTY },
      local: true,
    },
    payout: { method: "bank" },
    filedBy: { userId: "officer-chengguan-1", onBehalf: true },
    filedAt: "2026-10-01T01:00:00.000Z",
    policyVersionId: "v1",
    correlationId: `corr-${caseId}`,
    handledBy: ["officer-chengguan-1"],
    flags: {},
    version: 1,
    ...extra,
  };
}

export async function financeWorld(label: string): Promise<FinanceWorld> {
  const tables = await createTestTables(label);
  let nowIso = "2026-10-01T02:00:00.000Z";
  const now = () => new Date(nowIso);
  const resumed: { token: string; output: unknown }[] = [];
  const flow = createFlowDeps({
    client: tables.client,
    tables: tables.names,
    identityHashKey: "finance-test-identity-hash-key-0123456789",
    payeeHashSecret: "finance-test-payee-hash-secret-0001",
    bankCallbackUrl: () => "http://127.0.0.1:1/bank/callback",
    gateway: () => {
      throw new Error("no bank in finance tests");
    },
    workflow: {
      startExecution: async () => ({ status: "started" }) as never,
      sendTaskSuccess: async (token, output) => {
        resumed.push({ token, output });
        return "delivered";
      },
      sendTaskFailure: async () => "delivered",
    },
    now,
  });
  const deps = createFinanceDeps({
    client: tables.client,
    tables: tables.names,
    policy: flow.policy,
    flow: () => flow,
    now,
  });
  const db = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  const payments = new PaymentStore({
    client: db,
    tableName: tables.names.main,
    nowMs: () => now().getTime(),
  });

  async function book(entry: Omit<LedgerEntryInput, "fundId">, fundId = CHENGGUAN): Promise<void> {
    const outcome = await deps.writer.submit({ ...entry, fundId });
    if (outcome.status === "rejected")
      throw new Error(`booking ${entry.entryId} refused: ${outcome.message}`);
  }

  async function paidCase(input: PaidCaseInput) {
    const townshipId = input.townshipId ?? CHENGGUAN;
    const method = input.method ?? "bank";
    const record = caseRecord(input.caseId, townshipId, {
      applicant: { ...caseRecord(input.caseId, townshipId).applicant, local: input.local ?? true },
      hardship: { kind: "urgent", cause: input.cause ?? "fire" },
      ...(input.withoutDecision
        ? {}
        : {
            advance: { decision: "approve", amountYuan: input.amountYuan, decidedBy: "approver-chengguan-1" },
          }),
    });
    await db.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: { pk: `CASE#${input.caseId}`, sk: "CASE", type: "case", ...record },
      }),
    );
    const obligation = await payments.openObligation({
      caseId: input.caseId,
      purpose: "advance",
      countyCode: COUNTY,
      township: townshipId,
      fund: townshipId,
      amountYuan: input.amountYuan,
    });
    const entryId = `draw:${obligation.obligationId}:1`;
    let bankReference: string;
    let paymentId: string;
    if (method === "bank") {
      const attempt = await payments.startBankAttempt({
        obligationId: obligation.obligationId,
        attempt: 1,
        payee: {
          kind: "applicant",
          name: "张三丰",
          bankName: "农业银行",
          accountMasked: "************7890",
          accountHash: "h",
        },
        drawEntryId: entryId,
      });
      bankReference = `BR-${input.caseId}`;
      paymentId = attempt.instructionId;
      await payments.recordOutcome({
        instructionId: attempt.instructionId,
        outcome: "confirmed",
        bankReference,
        amountYuan: input.amountYuan,
        source: "callback",
      });
    } else {
      const attempt = await payments.recordCashPayment({
        obligationId: obligation.obligationId,
        attempt: 1,
        receiverName: "张三丰",
        receiverSignatureRef: "sig/receiver.png",
        officerSignatureRef: "sig/officer.png",
        officerId: "officer-chengguan-1",
        drawEntryId: entryId,
      });
      bankReference = attempt.bankReference as string;
      paymentId = attempt.instructionId;
      if (input.withoutOfficerSignature) {
        // The signature reference lost from the stored attempt (what reconciliation must catch).
        const { UpdateCommand } = await import("@aws-sdk/lib-dynamodb");
        await db.send(
          new UpdateCommand({
            TableName: tables.names.main,
            Key: { pk: `PAYMENT#${obligation.obligationId}`, sk: "ATTEMPT#001" },
            UpdateExpression: "SET cash.officerSignatureRef = :empty",
            ExpressionAttributeValues: { ":empty": "" },
          }),
        );
      }
    }
    await book(
      {
        entryId,
        kind: "draw",
        drawKind: "advance",
        amountYuan: input.amountYuan,
        bookedAt: nowIso,
        reference: {
          caseId: input.caseId,
          obligationId: obligation.obligationId,
          paymentId,
          flow: "A",
          hardshipType: input.cause ?? "fire",
          residency: input.local === false ? "non-local" : "local",
        },
      },
      townshipId,
    );
    return { caseId: input.caseId, entryId, bankReference };
  }

  return {
    tables,
    deps,
    flow,
    payments,
    resumed,
    setNow: (iso) => {
      nowIso = new Date(iso).toISOString();
    },
    paidCase,
    book,
  };
}
