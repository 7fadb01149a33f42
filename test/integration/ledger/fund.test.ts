import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "#core/errors.ts";
import type { ChainedEntry, LedgerEntryInput } from "#core/ledger/index.ts";
import { allocation, BOOKED_AT, draw, ledgerFixture } from "./support.ts";

async function openFund(label: string, alertPercent?: string) {
  const fixture = await ledgerFixture(label);
  const fundId = `township-${label}`;
  await fixture.store.openFund(fundId, alertPercent ? { alertPercent } : {});
  return { ...fixture, fundId, writer: fixture.writer() };
}

const entry = (
  fundId: string,
  entryId: string,
  kind: LedgerEntryInput["kind"],
  amountYuan: string,
): LedgerEntryInput => ({
  entryId,
  fundId,
  kind,
  amountYuan,
  bookedAt: BOOKED_AT,
  reference: { actor: "finance-1" },
});

describe("a township fund's balances follow DOMAIN §5", () => {
  it("a staged plan commits money, its stage draws spend the commitment, a stop releases the rest", async () => {
    const { store, writer, fundId } = await openFund("stages");
    await writer.submit(allocation(fundId, "alloc", "10000"));

    const committed = await writer.submit(entry(fundId, "plan-1-commit", "commit", "6000"));
    const stage = await writer.submit(
      draw(fundId, "plan-1-stage-1", "2000", {
        drawKind: "stage",
        reference: { flow: "B", decisionId: "d-1" },
      }),
    );
    const advanceTooBig = await writer.submit(draw(fundId, "adv-1", "4000.01"));
    const release = await writer.submit(entry(fundId, "plan-1-release", "release", "4000"));

    expect(committed).toMatchObject({ status: "applied", head: { committedYuan: expect.anything() } });
    expect(stage.status).toBe("applied");
    // available was 10,000 − 2,000 − 4,000 = 4,000: a larger advance is refused, with what is left.
    expect(advanceTooBig).toMatchObject({ status: "rejected", reason: "insufficient-funds" });
    expect(advanceTooBig.status === "rejected" && advanceTooBig.availableYuan?.toString()).toBe("4000.00");
    expect(release.status).toBe("applied");
    const fund = await store.getFund(fundId);
    expect([fund.quotaYuan, fund.balanceYuan, fund.committedYuan, fund.availableYuan].map(String)).toEqual([
      "10000.00",
      "8000.00",
      "0.00",
      "8000.00",
    ]);
  });

  it("a commitment beyond what is available is refused insufficient-funds; a release beyond the commitment is invalid", async () => {
    const { writer, fundId } = await openFund("commit-limits");
    await writer.submit(allocation(fundId, "alloc", "1000"));

    const tooMuch = await writer.submit(entry(fundId, "c-1", "commit", "1000.01"));
    const overRelease = await writer.submit(entry(fundId, "r-1", "release", "1"));

    expect(tooMuch).toMatchObject({ status: "rejected", reason: "insufficient-funds" });
    expect(overRelease).toMatchObject({ status: "rejected", reason: "invalid" });
  });

  it("reversals and recoveries return money; replenishment fills up to the quota, never beyond", async () => {
    const { store, writer, fundId } = await openFund("refill");
    await writer.submit(allocation(fundId, "alloc", "5000"));
    await writer.submit(draw(fundId, "pay-1", "3000"));

    const reversal = await writer.submit(entry(fundId, "rev-1", "reversal", "500"));
    const recovery = await writer.submit(entry(fundId, "rec-1", "recovery", "200"));
    const overfill = await writer.submit(entry(fundId, "rep-1", "replenishment", "2300.01"));
    const refill = await writer.submit(entry(fundId, "rep-2", "replenishment", "2300"));

    expect([reversal.status, recovery.status, refill.status]).toEqual(["applied", "applied", "applied"]);
    expect(overfill).toMatchObject({ status: "rejected", reason: "invalid" });
    expect((await store.getFund(fundId)).balanceYuan.toString()).toBe("5000.00");
  });

  it("an entry for a fund that does not exist, or a malformed one, is refused with its reason", async () => {
    const { writer, store } = await openFund("unknown");

    const missing = await writer.submit(draw("township-nowhere", "pay-1", "10"));
    const malformed = await writer.submit({ ...draw("township-unknown", "pay-2", "10.001") });

    expect(missing).toMatchObject({ status: "rejected", reason: "fund-not-found" });
    expect(malformed).toMatchObject({ status: "rejected", reason: "invalid", entryId: "pay-2" });
    await expect(store.getFund("township-nowhere")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("low-balance alert: one event per crossing", () => {
  it("falls under 20 % once, alerts once; replenished above, re-armed; falls again, alerts again", async () => {
    // Prepare: quota ¥10,000, alert level ¥2,000.
    const { tables, store, writer, fundId } = await openFund("alert", "20");
    await writer.submit(allocation(fundId, "alloc", "10000"));

    // Act
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) => writer.submit(draw(fundId, `a-${i}`, "900"))),
    );
    await writer.submit(entry(fundId, "rep-1", "replenishment", "8000"));
    const second = await Promise.all(
      Array.from({ length: 10 }, (_, i) => writer.submit(draw(fundId, `b-${i}`, "900"))),
    );

    // Assess
    const alerts = [...first, ...second].flatMap((o) => (o.status === "applied" && o.alert ? [o.alert] : []));
    expect(alerts).toHaveLength(2);
    expect(alerts.map((a) => a.alertLevelYuan.toString())).toEqual(["2000.00", "2000.00"]);
    expect(alerts.every((a) => a.availableYuan.lessThan(a.alertLevelYuan))).toBe(true);
    const outbox = await tables.client.send(
      new QueryCommand({
        TableName: tables.names.main,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": { S: "OUTBOX#pending" } },
      }),
    );
    expect(outbox.Items?.map((i) => JSON.parse(i.payload?.S ?? "{}").sequence).sort()).toEqual(
      alerts.map((a) => a.sequence).sort(),
    );
    expect((await store.getFund(fundId)).lastAlertState).toBe("alerted");
  });
});

describe("a closed period takes no back-dated entries (DOMAIN §6)", () => {
  it("after closing through June, a draw booked in June is refused period-closed, one in July is applied", async () => {
    const { store, writer, fundId } = await openFund("close");
    await writer.submit(allocation(fundId, "alloc", "1000", "2025-06-01T00:00:00Z"));

    await store.closePeriod(fundId, "2025-06-30T15:59:59.999Z");
    const backDated = await writer.submit(
      draw(fundId, "late", "10", { bookedAt: "2025-06-30T23:59:00+08:00" }),
    );
    const current = await writer.submit(
      draw(fundId, "july", "10", { bookedAt: "2025-07-01T00:00:00+08:00" }),
    );

    expect(backDated).toMatchObject({ status: "rejected", reason: "period-closed" });
    expect(current.status).toBe("applied");
    await expect(store.closePeriod(fundId, "2025-05-31T00:00:00Z")).rejects.toBeInstanceOf(ConflictError);
    expect((await store.getFund(fundId)).closedThrough).toBe("2025-06-30T15:59:59.999Z");
  });
});

describe("entries are read by period, a page at a time", () => {
  it("streams only the entries booked in the period, across many small pages, in sequence order", async () => {
    const { store, writer, fundId } = await openFund("stream");
    await writer.submit(allocation(fundId, "alloc", "100000", "2025-05-01T00:00:00Z"));
    for (let day = 1; day <= 20; day++) {
      const bookedAt = `2025-${day <= 10 ? "06" : "07"}-${String(day).padStart(2, "0")}T02:00:00Z`;
      await writer.submit(draw(fundId, `pay-${day}`, "10", { bookedAt }));
    }

    const june: ChainedEntry[] = [];
    for await (const e of store.streamEntries(fundId, {
      from: "2025-06-01T00:00:00Z",
      to: "2025-06-30T23:59:59Z",
      pageSize: 3,
    })) {
      june.push(e);
    }

    expect(june.map((e) => e.entryId)).toEqual(Array.from({ length: 10 }, (_, i) => `pay-${i + 1}`));
    expect(june.map((e) => e.sequence)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(june[0]?.reference).toMatchObject({
      caseId: "case-pay-1",
      paymentId: "pay-pay-1",
      flow: "A",
      residency: "local",
    });
  });
});
