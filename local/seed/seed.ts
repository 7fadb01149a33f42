/**
 * Demo data for `npm start`: 示例县's directory and policy set are stored (as any
 * deployment stores its county's), then each township of 示例县 gets its reserve fund opened with the
 * policy's alert level and allocated up to its quota (DOMAIN §2.3: quota = per-capita amount ×
 * registered population). Idempotent: the allocation's entry id is fixed per township and policy
 * version, so a restart changes nothing (DOMAIN §5: no entry applied twice).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { LedgerStore, LedgerWriter } from "#adapters/ledger/index.ts";
import { fundQuotaYuan } from "#core/policy/index.ts";
import { StoredPolicySource } from "#functions/services/reference-data.ts";
import { DEMO_COUNTY } from "./demo-county.ts";
import { storeDemoReference } from "./reference.ts";

export interface SeedOptions {
  client: DynamoDBClient;
  tables: { main: string; ledger: string };
  nowMs: () => number;
}

export interface SeededFund {
  townshipId: string;
  name: string;
  quotaYuan: string;
  balanceYuan: string;
  allocated: boolean;
}

export async function seedDemoCounty(options: SeedOptions): Promise<SeededFund[]> {
  const db = DynamoDBDocumentClient.from(options.client);
  // The county's directory, policy and calendar first, stored like any other county's: the funds
  // below are sized from them.
  await storeDemoReference(options.client, options.tables.main);
  const policies = new StoredPolicySource(db, options.tables.main);
  const store = new LedgerStore(options.client, options.tables);
  const writer = new LedgerWriter({ client: options.client, tables: options.tables });
  const at = new Date(options.nowMs());
  const seeded: SeededFund[] = [];
  for (const township of DEMO_COUNTY.townships) {
    const policy = await policies.resolve(DEMO_COUNTY.countyId, township.townshipId, at);
    await store.openFund(township.townshipId, { alertPercent: String(policy.lowBalanceAlertPercent) });
    const quota = fundQuotaYuan(township.registeredPopulation, policy);
    const outcome = await writer.submit({
      entryId: `seed-allocation-${township.townshipId}-${policy.policyVersionId}`,
      fundId: township.townshipId,
      kind: "allocation",
      amountYuan: quota.toString(),
      bookedAt: at.toISOString(),
      reference: { actor: "seed" },
    });
    if (outcome.status === "rejected") {
      throw new Error(`seeding the fund of ${township.name} failed: ${outcome.reason}`);
    }
    const fund = await store.getFund(township.townshipId);
    seeded.push({
      townshipId: township.townshipId,
      name: township.name,
      quotaYuan: fund.quotaYuan.toString(),
      balanceYuan: fund.balanceYuan.toString(),
      allocated: outcome.status === "applied",
    });
  }
  return seeded;
}
