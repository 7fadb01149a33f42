/**
 * Opens every demo township's fund and allocates it one yuan per registered person (the demo
 * county's quota rule), booked at `bookedAtMs`. Shared by the Flow A and Flow B test worlds.
 */
import type { LedgerWriter } from "#adapters/ledger/index.ts";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";

export async function allocateDemoFunds(ledger: LedgerWriter, bookedAtMs: number): Promise<void> {
  for (const township of DEMO_COUNTY.townships) {
    await ledger.store.openFund(township.townshipId);
    await ledger.submit({
      entryId: `allocation:${township.townshipId}:2026`,
      fundId: township.townshipId,
      kind: "allocation",
      amountYuan: `${township.registeredPopulation}.00`,
      bookedAt: new Date(bookedAtMs).toISOString(),
      reference: { actor: "finance-1" },
    });
  }
}
