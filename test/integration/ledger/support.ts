/** Shared preparation for the ledger's integration tests: a fresh fund on fresh tables. */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LedgerStore, LedgerWriter, type LedgerWriterOptions } from "#adapters/ledger/index.ts";
import type { LedgerEntryInput } from "#core/ledger/index.ts";
import { createTestTables, type TestTables } from "../../support/dynamo.ts";

export const BOOKED_AT = "2025-07-15T08:00:00.000Z";

export interface LedgerFixture {
  tables: TestTables;
  store: LedgerStore;
  writer: (client?: DynamoDBClient, options?: Partial<LedgerWriterOptions>) => LedgerWriter;
}

export async function ledgerFixture(label: string): Promise<LedgerFixture> {
  const tables = await createTestTables(label);
  const ledgerTables = { ledger: tables.names.ledger, main: tables.names.main };
  return {
    tables,
    store: new LedgerStore(tables.client, ledgerTables),
    writer: (client = tables.client, options = {}) =>
      new LedgerWriter({ client, tables: ledgerTables, backoffBaseMs: 2, backoffCapMs: 40, ...options }),
  };
}

export function draw(
  fundId: string,
  entryId: string,
  amountYuan: string,
  extra: Partial<LedgerEntryInput> = {},
): LedgerEntryInput {
  return {
    entryId,
    fundId,
    kind: "draw",
    drawKind: "advance",
    amountYuan,
    bookedAt: BOOKED_AT,
    reference: {
      caseId: `case-${entryId}`,
      paymentId: `pay-${entryId}`,
      flow: "A",
      hardshipType: "flood",
      residency: "local",
    },
    ...extra,
  };
}

export function allocation(
  fundId: string,
  entryId: string,
  amountYuan: string,
  bookedAt = BOOKED_AT,
): LedgerEntryInput {
  return {
    entryId,
    fundId,
    kind: "allocation",
    amountYuan,
    bookedAt,
    reference: { actor: "county-finance-1" },
  };
}
