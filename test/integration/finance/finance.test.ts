import { Readable } from "node:stream";
import { QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError } from "#core/errors.ts";
import { BUDGET_LINE_TEXT, DETAIL_HEADERS, SUMMARY_HEADERS, UTF8_BOM } from "#core/reconciliation/index.ts";
import { listAlerts } from "#functions/services/finance/alerts.ts";
import { closePeriod } from "#functions/services/finance/close.ts";
import { exportScope, writeCsv, xlsxBuffer } from "#functions/services/finance/exports.ts";
import { allocate, listFunds, quotaHintFor } from "#functions/services/finance/funds.ts";
import { latestRun, runReconciliation } from "#functions/services/finance/reconcile.ts";
import { execute, openProposals } from "#functions/services/finance/replenishment.ts";
import {
  auditor,
  CHENGGUAN,
  COUNTY,
  caseRecord,
  type FinanceWorld,
  finance1,
  finance2,
  financeWorld,
  HEDONG,
} from "./world.ts";

type Report = {
  clean: boolean;
  discrepancies: { code: string; entries: string[]; where: Record<string, unknown> }[];
  // biome-ignore lint/suspicious/noExplicitAny: the report's JSON form, read field by field in assertions
  figures: Record<string, any>;
};

/** September allocation; October: two paid cases (bank, cash), commitment and release, reversal, recovery, a raise and a replenishment. */
async function october(world: FinanceWorld): Promise<void> {
  world.setNow("2026-09-15T02:00:00Z");
  await allocate(
    world.deps,
    finance1,
    { townshipId: CHENGGUAN, amountYuan: "58000.00", reason: "2026 年度备用金" },
    "alloc-1",
    "corr-1",
  );
  world.setNow("2026-10-02T02:00:00Z");
  await world.paidCase({ caseId: "c-bank", amountYuan: "800.00" });
  await world.paidCase({
    caseId: "c-cash",
    amountYuan: "500.00",
    method: "cash",
    local: false,
    cause: "traffic-accident",
  });
  world.setNow("2026-10-10T02:00:00Z");
  await world.book({
    entryId: "commit:c-plan",
    kind: "commit",
    amountYuan: "3000.00",
    bookedAt: "2026-10-10T02:00:00Z",
    reference: { caseId: "c-plan", flow: "B" },
  });
  await world.book({
    entryId: "release:c-plan",
    kind: "release",
    amountYuan: "1000.00",
    bookedAt: "2026-10-11T02:00:00Z",
    reference: { caseId: "c-plan", flow: "B" },
  });
  await world.book({
    entryId: "reversal:c-x:1",
    kind: "reversal",
    amountYuan: "200.00",
    bookedAt: "2026-10-12T02:00:00Z",
    reference: { caseId: "c-x", flow: "A" },
  });
  await world.book({
    entryId: "recovery:c-y",
    kind: "recovery",
    amountYuan: "100.00",
    bookedAt: "2026-10-13T02:00:00Z",
    reference: { caseId: "c-y", flow: "A" },
  });
  world.setNow("2026-10-14T02:00:00Z");
  await allocate(
    world.deps,
    finance1,
    { townshipId: CHENGGUAN, targetQuotaYuan: "60000.00", reason: "额度上调" },
    "alloc-2",
    "corr-2",
  );
  await world.book({
    entryId: "replenishment:manual-1",
    kind: "replenishment",
    amountYuan: "300.00",
    bookedAt: "2026-10-15T02:00:00Z",
  });
}

describe("county finance on the stores (DOMAIN §6)", () => {
  let world: FinanceWorld;
  beforeAll(async () => {
    world = await financeWorld("fin-month");
    await october(world);
    world.setNow("2026-11-02T02:00:00Z");
  });

  it("a month with every entry type reconciles clean against cases, payments and confirmations", async () => {
    const run = await runReconciliation(world.deps, finance1, CHENGGUAN, "2026-10");
    const report = run.report as unknown as Report;
    expect(report.discrepancies).toEqual([]);
    expect(report.clean).toBe(true);
    const f = report.figures;
    expect(f.opening.balance).toBe("58000.00");
    expect(f.allocations).toEqual({ count: 1, sumYuan: "2000.00" });
    expect(f.draws.count).toBe(2);
    expect(f.draws.sumYuan).toBe("1300.00");
    expect(f.draws.byResidency["non-local"]).toEqual({ count: 1, sumYuan: "500.00" });
    expect(f.draws.byHardshipType.fire).toEqual({ count: 1, sumYuan: "800.00" });
    expect(f.reversals.sumYuan).toBe("200.00");
    expect(f.recoveries.sumYuan).toBe("100.00");
    expect(f.replenishments.sumYuan).toBe("300.00");
    expect(f.commitmentsOpenYuan).toBe("2000.00");
    expect(f.closing.balance).toBe("59300.00");
    expect((run.report as { confirmationsChecked: number }).confirmationsChecked).toBe(2);
  });

  it("auditors read the stored run but may not run one", async () => {
    const stored = await latestRun(world.deps, auditor, CHENGGUAN, "2026-10");
    expect(stored.clean).toBe(true);
    await expect(runReconciliation(world.deps, auditor, CHENGGUAN, "2026-10")).rejects.toThrow(
      ForbiddenError,
    );
  });

  it("the quota hint comes from the policy and the registered population", async () => {
    const hint = (await quotaHintFor(world.deps, finance1, CHENGGUAN)) as Record<string, unknown>;
    expect(hint.registeredPopulation).toBe(58_000);
    expect(hint.basis).toBe("population");
    expect(hint.currentQuotaYuan).toBe("60000.00");
  });

  it("signed close: the period closes, back-dated entries are refused, the proposal is quota − closing balance", async () => {
    const result = await closePeriod(world.deps, finance1, CHENGGUAN, "2026-10", {}, "corr-close");
    expect(result.close.signedBy).toBe("finance-1");
    expect(result.close.signatureDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(result.proposal?.amountYuan).toBe("700.00");

    const backDated = await world.deps.writer.submit({
      entryId: "draw:late:1",
      fundId: CHENGGUAN,
      kind: "draw",
      drawKind: "advance",
      amountYuan: "10.00",
      bookedAt: "2026-10-31T15:59:59.999Z",
      reference: { caseId: "late" },
    });
    expect(backDated).toMatchObject({ status: "rejected", reason: "period-closed" });
    const inNovember = await world.deps.writer.submit({
      entryId: "recovery:nov:1",
      fundId: CHENGGUAN,
      kind: "recovery",
      amountYuan: "10.00",
      bookedAt: "2026-10-31T16:00:00.000Z",
    });
    expect(inNovember.status).toBe("applied");

    await expect(closePeriod(world.deps, finance2, CHENGGUAN, "2026-10", {}, "corr-2")).rejects.toMatchObject(
      { statusCode: 409 },
    );
  });

  it("replenishment is refused to the user who proposed it and executed by a second finance user", async () => {
    // Prepare: a Flow A case of the township waits for money; one in another township waits too.
    const db = world.flow.cases;
    for (const [caseId, townshipId] of [
      ["c-wait", CHENGGUAN],
      ["c-other", HEDONG],
    ] as const) {
      await db.create(caseRecord(caseId, townshipId, { status: "awaiting-fund-replenishment" }));
      await world.flow.tasks.open(
        {
          caseId,
          taskType: "fund-replenishment",
          countyId: COUNTY,
          townshipId,
          assigneeRoles: ["county-finance"],
          escalated: false,
          overdue: false,
          openedAt: "2026-11-01T00:00:00.000Z",
        },
        `token-${caseId}`,
      );
    }
    expect((await openProposals(world.deps, auditor, COUNTY)).map((p) => p.proposalId)).toEqual([
      `${CHENGGUAN}:2026-10`,
    ]);

    // Act + Assess: only county finance executes, and the refusal names the execute action
    await expect(execute(world.deps, auditor, CHENGGUAN, "2026-10", "corr-w")).rejects.toMatchObject({
      statusCode: 403,
      details: { action: "fund.replenish.execute", code: "no-role" },
    });
    // Act + Assess: maker ≠ checker
    await expect(execute(world.deps, finance1, CHENGGUAN, "2026-10", "corr-x")).rejects.toMatchObject({
      statusCode: 403,
      details: { code: "maker-checker" },
    });
    const before = await world.deps.ledger.getFund(CHENGGUAN);
    const result = await execute(world.deps, finance2, CHENGGUAN, "2026-10", "corr-y");
    expect(result.executedNow).toBe(true);
    expect(result.proposal).toMatchObject({
      status: "executed",
      executedBy: "finance-2",
      proposedBy: "finance-1",
    });
    // 10.00 came back in November: the fund is filled to its quota, never above.
    expect(result.proposal.executedAmountYuan).toBe("690.00");
    const after = await world.deps.ledger.getFund(CHENGGUAN);
    expect(after.balanceYuan.toString()).toBe(before.quotaYuan.toString());
    expect(result.resumedCases).toEqual(["c-wait"]);
    expect(world.resumed.map((r) => r.token)).toEqual(["token-c-wait"]);
    expect((await world.flow.cases.get("c-wait")).status).toBe("paying");
    expect((await world.flow.cases.get("c-other")).status).toBe("awaiting-fund-replenishment");
    expect(await openProposals(world.deps, finance1, COUNTY)).toEqual([]);

    // A repeat by the executor answers the execution; nothing is booked twice.
    const again = await execute(world.deps, finance2, CHENGGUAN, "2026-10", "corr-z");
    expect(again.executedNow).toBe(false);
    expect((await world.deps.ledger.getFund(CHENGGUAN)).sequence).toBe(after.sequence);
  });

  it("exports: the CSV read back by a spreadsheet library gives the Chinese headers and the amounts", async () => {
    const scope = await exportScope(world.deps, finance1, COUNTY, "2026-10", CHENGGUAN);
    let csv = "";
    await writeCsv(world.deps, scope, "detail", (chunk) => {
      csv += chunk;
    });
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const sheet = await new ExcelJS.Workbook().csv.read(Readable.from([Buffer.from(csv, "utf8")]), {
      map: (v: unknown) => v,
    } as never);
    const rows = (sheet.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1).map(String));
    expect(rows[0]?.map((h) => h.replace(UTF8_BOM, ""))).toEqual([...DETAIL_HEADERS]);
    const amount = DETAIL_HEADERS.indexOf("金额");
    const payee = DETAIL_HEADERS.indexOf("收款人");
    expect(
      rows
        .slice(1)
        .map((r) => r[amount])
        .sort(),
    ).toEqual(["500.00", "800.00"]);
    expect(rows.slice(1).every((r) => r[DETAIL_HEADERS.indexOf("预算科目")] === BUDGET_LINE_TEXT)).toBe(true);
    expect(rows.slice(1).map((r) => r[payee])).toEqual(["张三丰", "张三丰"]);

    let auditorCsv = "";
    await writeCsv(
      world.deps,
      await exportScope(world.deps, auditor, COUNTY, "2026-10", CHENGGUAN),
      "detail",
      (chunk) => {
        auditorCsv += chunk;
      },
    );
    expect(auditorCsv).toContain("张**");
    expect(auditorCsv).not.toContain("张三丰");
  });

  it("exports: the XLSX workbook opens with its three sheets, headers and numeric amounts", async () => {
    const buffer = await xlsxBuffer(world.deps, await exportScope(world.deps, finance1, COUNTY, "2026-10"));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["对账汇总", "支出明细", "差异清单"]);
    const summary = workbook.getWorksheet("对账汇总");
    if (!summary) throw new Error("no summary sheet");
    const header = (summary.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([...SUMMARY_HEADERS]);
    const row = (summary.getRow(2).values as unknown[]).slice(1);
    expect(row[1]).toBe(CHENGGUAN);
    expect(row[SUMMARY_HEADERS.indexOf("支出金额")]).toBe(1300);
    expect(row[SUMMARY_HEADERS.indexOf("预算科目")]).toBe(BUDGET_LINE_TEXT);
  });

  it("lists the county's funds for finance and auditors", async () => {
    const funds = await listFunds(world.deps, auditor, COUNTY);
    expect(funds.map((f) => [f.townshipId, f.opened])).toEqual([
      ["230123100", true],
      ["230123200", false],
      ["230123300", false],
    ]);
  });
});

describe("injected discrepancies, each reported as its own row", () => {
  it("a draw without a decision, a confirmation without a draw, a cash draw without signatures, a tampered entry", async () => {
    const world = await financeWorld("fin-bad");
    world.setNow("2026-09-15T02:00:00Z");
    await allocate(
      world.deps,
      finance1,
      { townshipId: CHENGGUAN, amountYuan: "58000.00", reason: "年度备用金" },
      "a1",
      "c1",
    );
    world.setNow("2026-10-02T02:00:00Z");
    await world.paidCase({ caseId: "c-ok", amountYuan: "300.00" });
    const noDecision = await world.paidCase({
      caseId: "c-nodecision",
      amountYuan: "400.00",
      withoutDecision: true,
    });
    const unsigned = await world.paidCase({
      caseId: "c-unsigned",
      amountYuan: "600.00",
      method: "cash",
      withoutOfficerSignature: true,
    });
    const tampered = await world.paidCase({ caseId: "c-tampered", amountYuan: "700.00" });
    // A confirmation for a payment no draw funded.
    const stray = await world.payments.openObligation({
      caseId: "c-stray",
      purpose: "advance",
      countyCode: COUNTY,
      township: CHENGGUAN,
      fund: CHENGGUAN,
      amountYuan: "950.00",
    });
    const attempt = await world.payments.startBankAttempt({
      obligationId: stray.obligationId,
      attempt: 1,
      payee: {
        kind: "applicant",
        name: "李四",
        bankName: "农行",
        accountMasked: "****1111",
        accountHash: "h2",
      },
    });
    await world.payments.recordOutcome({
      instructionId: attempt.instructionId,
      outcome: "confirmed",
      bankReference: "BR-STRAY",
      amountYuan: "950.00",
      source: "callback",
    });
    // The tampered draw: its hardship type edited in the stored entry behind the ledger's back.
    const applied = await world.deps.ledger.readAppliedIds(CHENGGUAN, [tampered.entryId]);
    const sequence = applied.get(tampered.entryId)?.sequence as number;
    expect(await entryText(world, CHENGGUAN, sequence)).toContain('"fire"');
    await editEntryText(world, CHENGGUAN, sequence, (text) => text.replace('"fire"', '"flood"'));
    world.setNow("2026-11-02T02:00:00Z");

    const report = (await runReconciliation(world.deps, finance1, CHENGGUAN, "2026-10"))
      .report as unknown as Report;

    const byCode = Object.fromEntries(report.discrepancies.map((d) => [d.code, d]));
    expect(Object.keys(byCode).sort()).toEqual([
      "cash-without-signatures",
      "chain-broken",
      "confirmation-without-draw",
      "draw-without-decision",
    ]);
    expect(report.discrepancies).toHaveLength(4);
    expect(byCode["draw-without-decision"]?.entries).toEqual([noDecision.entryId]);
    expect(byCode["cash-without-signatures"]?.entries).toEqual([unsigned.entryId]);
    expect(byCode["chain-broken"]?.entries).toEqual([tampered.entryId]);
    expect(byCode["confirmation-without-draw"]?.where).toMatchObject({
      bankReference: "BR-STRAY",
      caseId: "c-stray",
    });

    // Closing with discrepancies needs an explanation, recorded with the signature.
    await expect(closePeriod(world.deps, finance1, CHENGGUAN, "2026-10", {}, "c")).rejects.toMatchObject({
      statusCode: 422,
    });
    const closed = await closePeriod(
      world.deps,
      finance1,
      CHENGGUAN,
      "2026-10",
      { explanation: "差异已移交审计，待核实后调整" },
      "c",
    );
    expect(closed.close).toMatchObject({ discrepancyCount: 4, explanation: "差异已移交审计，待核实后调整" });
  });

  it("a head that disagrees with the replay", async () => {
    const world = await financeWorld("fin-head");
    world.setNow("2026-09-15T02:00:00Z");
    await allocate(
      world.deps,
      finance1,
      { townshipId: HEDONG, amountYuan: "21000.00", reason: "年度备用金" },
      "a1",
      "c1",
    );
    world.setNow("2026-10-02T02:00:00Z");
    await world.paidCase({ caseId: "c-h", amountYuan: "300.00", townshipId: HEDONG });
    await world.tables.client.send(
      new UpdateItemCommand({
        TableName: world.tables.names.ledger,
        Key: { pk: { S: `FUND#${HEDONG}` }, sk: { S: "HEAD" } },
        UpdateExpression: "SET balanceYuan = :b",
        ExpressionAttributeValues: { ":b": { S: "20800.00" } },
      }),
    );
    world.setNow("2026-11-02T02:00:00Z");

    const report = (await runReconciliation(world.deps, finance1, HEDONG, "2026-10"))
      .report as unknown as Report;

    expect(report.discrepancies.map((d) => d.code)).toEqual(["head-differs-from-replay"]);
  });
});

describe("a damaged ledger item", () => {
  it("an entry whose stored text cannot be read is a chain-broken row, not a failed run", async () => {
    const world = await financeWorld("fin-garbled");
    world.setNow("2026-10-01T02:00:00Z");
    await allocate(
      world.deps,
      finance1,
      { townshipId: CHENGGUAN, amountYuan: "1000.00", reason: "测试额度" },
      "a1",
      "c1",
    );
    await world.paidCase({ caseId: "c-g", amountYuan: "100.00" });
    await editEntryText(world, CHENGGUAN, 2, () => "{garbled");
    world.setNow("2026-11-02T02:00:00Z");

    const report = (await runReconciliation(world.deps, finance1, CHENGGUAN, "2026-10"))
      .report as unknown as Report;

    expect(report.discrepancies.map((d) => [d.code, d.where.sequence])).toEqual([["chain-broken", 2]]);
  });

  it("a page whose period bounds were edited hides nothing: reconciliation reads by sequence, the hashed text decides", async () => {
    const world = await financeWorld("fin-bookedat");
    world.setNow("2026-10-01T02:00:00Z");
    await allocate(
      world.deps,
      finance1,
      { townshipId: CHENGGUAN, amountYuan: "1000.00", reason: "测试额度" },
      "a1",
      "c1",
    );
    const paid = await world.paidCase({ caseId: "c-b", amountYuan: "100.00" });
    // Moved out of October in the bounds a period query selects pages by, not in the hashed text
    // (the head's open page sealed first: open entries have no bounds).
    await world.deps.ledger.sealOpenPage(CHENGGUAN);
    const page = await pageHolding(world, CHENGGUAN, 2);
    await world.tables.client.send(
      new UpdateItemCommand({
        TableName: world.tables.names.ledger,
        Key: { pk: page.pk as { S: string }, sk: page.sk as { S: string } },
        UpdateExpression: "SET minBookedAt = :b, maxBookedAt = :b",
        ExpressionAttributeValues: { ":b": { S: "2026-11-01T02:00:00.000Z" } },
      }),
    );
    world.setNow("2026-11-02T02:00:00Z");

    const report = (await runReconciliation(world.deps, finance1, CHENGGUAN, "2026-10"))
      .report as unknown as Report;

    expect(report.discrepancies).toEqual([]);
    expect(
      (await world.deps.ledger.readAppliedIds(CHENGGUAN, [paid.entryId])).get(paid.entryId),
    ).toMatchObject({
      sequence: 2,
    });
  });
});

/** The ledger page item holding `sequence` (the last page starting at or before it). */
async function pageHolding(world: FinanceWorld, fundId: string, sequence: number) {
  const { Items } = await world.tables.client.send(
    new QueryCommand({
      TableName: world.tables.names.ledger,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
      ExpressionAttributeValues: {
        ":pk": { S: `FUND#${fundId}` },
        ":low": { S: "PAGE#" },
        ":high": { S: `PAGE#${String(sequence).padStart(12, "0")}` },
      },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const page = Items?.[0];
  if (!page) throw new Error(`no page holds entry ${sequence}`);
  return page;
}

async function entryText(world: FinanceWorld, fundId: string, sequence: number): Promise<string> {
  await world.deps.ledger.sealOpenPage(fundId);
  const page = await pageHolding(world, fundId, sequence);
  return (page.bodies?.S ?? "").split("\n")[sequence - Number(page.firstSequence?.N)] ?? "";
}

/** Rewrites one entry's stored text in its page (the head's open page sealed first), behind the ledger's back. */
async function editEntryText(
  world: FinanceWorld,
  fundId: string,
  sequence: number,
  edit: (text: string) => string,
): Promise<void> {
  await world.deps.ledger.sealOpenPage(fundId);
  const page = await pageHolding(world, fundId, sequence);
  const bodies = (page.bodies?.S ?? "").split("\n");
  const at = sequence - Number(page.firstSequence?.N);
  bodies[at] = edit(bodies[at] ?? "");
  await world.tables.client.send(
    new UpdateItemCommand({
      TableName: world.tables.names.ledger,
      Key: { pk: page.pk as { S: string }, sk: page.sk as { S: string } },
      UpdateExpression: "SET bodies = :b",
      ExpressionAttributeValues: { ":b": { S: bodies.join("\n") } },
    }),
  );
}

describe("low-balance alerts (DOMAIN §5)", () => {
  it("a draw that takes the fund under the alert level is listed and notified to county finance once", async () => {
    const world = await financeWorld("fin-alert");
    world.setNow("2026-10-01T02:00:00Z");
    await allocate(
      world.deps,
      finance1,
      { townshipId: CHENGGUAN, amountYuan: "1000.00", reason: "测试额度" },
      "a1",
      "c1",
    );
    await world.paidCase({ caseId: "c-big", amountYuan: "900.00" });

    const first = await listAlerts(world.deps, finance1, COUNTY);
    const second = await listAlerts(world.deps, auditor, COUNTY);

    expect(first.pending).toEqual([]);
    expect(first.sent).toHaveLength(1);
    expect(first.sent[0]).toMatchObject({ fundId: CHENGGUAN, availableYuan: "100.00" });
    expect(second.sent).toHaveLength(1);
    const messages = await world.flow.outbox.forRecipient({
      kind: "county",
      id: COUNTY,
      role: "county-finance",
    });
    expect(messages.filter((m) => m.kind === "fund.low-balance")).toHaveLength(1);
  });
});
