/**
 * Low-balance alerts (DOMAIN §5): the ledger writes one outbox item per crossing in the same
 * transaction as the draw. Here they are listed for county finance and sent on as a notification
 * to the county's finance role through Flow A's outbox (deterministic message id: sent once), then
 * marked sent.
 */

import * as z from "zod";
import { StoredAlertSchema } from "#adapters/finance-store.ts";
import type { Actor } from "#core/access/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { authorizeCounty } from "./common.ts";
import type { FinanceDeps } from "./deps.ts";

export async function dispatchLowBalanceAlerts(deps: FinanceDeps, countyId: string): Promise<number> {
  const flow = deps.flow?.();
  if (!flow) return 0;
  let sent = 0;
  const townships = await deps.directory.townshipsOf(countyId);
  for (const alert of await deps.store.alerts(countyId, "pending")) {
    const townshipZh = townships.find((t) => t.townshipId === alert.fundId)?.name ?? "乡镇";
    const available = Yuan.parse(alert.availableYuan, "availableYuan", { allowNegative: true });
    await flow.outbox.put(
      {
        messageId: `fund.low-balance:${alert.fundId}:${alert.sequence}`,
        caseId: `fund:${alert.fundId}`,
        kind: "fund.low-balance",
        recipient: { kind: "county", id: countyId, role: "county-finance" },
        subject: `Township fund ${alert.fundId} is below its alert level (${available.toString()} available) — please replenish`,
        subjectZh: `${townshipZh}备用金可用余额 ${available.format()} 低于预警线，请及时补足`,
        details: {
          fundId: alert.fundId,
          availableYuan: alert.availableYuan,
          alertLevelYuan: alert.alertLevelYuan,
          quotaYuan: alert.quotaYuan,
          sequence: alert.sequence,
        },
      },
      deps.now(),
    );
    if (await deps.store.markAlertSent(alert, deps.now().toISOString())) sent += 1;
  }
  return sent;
}

/** `GET /alerts`: the county's low-balance alerts, not yet notified and notified. */
export const FundAlertsSchema = z.object({
  pending: z.array(StoredAlertSchema),
  sent: z.array(StoredAlertSchema),
});

export async function listAlerts(
  deps: FinanceDeps,
  actor: Actor,
  countyId: string,
): Promise<z.output<typeof FundAlertsSchema>> {
  authorizeCounty(actor, "fund.read", countyId);
  await dispatchLowBalanceAlerts(deps, countyId);
  return {
    pending: await deps.store.alerts(countyId, "pending"),
    sent: await deps.store.alerts(countyId, "sent"),
  };
}
