/**
 * The low-balance alarm has a metric behind it (DOMAIN §5): a Flow A advance paid through the ASL
 * and the PayAid handler takes 城关镇's fund under its alert level, and the handler's log carries the
 * `AidFlow/FundBelowAlertLevel` EMF record the monitoring stack's alarm watches — once per crossing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUND_ALERT_METRIC } from "#functions/runtime/environment.ts";
import { emfRecords } from "#test/support/emf.ts";
import { approveAndPay, type FlowAWorld, fileAndWait, filing, startFlowAWorld } from "./world.ts";

const CHENGGUAN = "230123100";
let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-fund-alert" });
});

afterAll(async () => {
  await world?.close();
});

describe("FundBelowAlertLevel metric", () => {
  it("is emitted by the payment that takes a township fund under its alert level, once per crossing", async () => {
    // Prepare: the quota is 58,000.00; at 99 % the level is 57,420.00, so an advance of 800.00 crosses it
    await world.ledger.store.setAlertPercent(CHENGGUAN, "99");
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const first = await fileAndWait(world, applicant, filing());
    expect(emfRecords(world.logs(), FUND_ALERT_METRIC)).toEqual([]);

    // Act: the first advance crosses the level
    await approveAndPay(world, approver, first, "800.00");

    // Assess
    expect(await world.balance(CHENGGUAN)).toBe("57200.00");
    const records = emfRecords(world.logs(), FUND_ALERT_METRIC);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ county: "230123", township: CHENGGUAN, FundBelowAlertLevel: 1 });
    expect(records[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: FUND_ALERT_METRIC.namespace,
        Dimensions: [["county", "township"], []],
        Metrics: [{ Name: FUND_ALERT_METRIC.name, Unit: "Count" }],
      },
    ]);

    // Act: a second advance while the fund stays under the level
    const second = await fileAndWait(
      world,
      await world.signIn("applicant-li"),
      filing({
        hardship: { cause: "flood" },
        applicant: {
          name: "王芳",
          document: { type: "resident-id", number: "230123199003036660" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "王芳", bankName: "农村信用社", account: "6217000099990001" },
      }),
    );
    await approveAndPay(world, approver, second, "500.00");

    // Assess: no second alert for the same crossing
    expect(await world.balance(CHENGGUAN)).toBe("56700.00");
    expect(emfRecords(world.logs(), FUND_ALERT_METRIC)).toHaveLength(1);
  });
});
