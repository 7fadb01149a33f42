/**
 * What county finance's services stand on (DOMAIN §6): the ledger (store + the process's one
 * group-commit writer, shared with the flows), the finance records, the matching source over cases and payments, the audit trail, the
 * township directory, and Flow A/B's `FlowDeps` to resume the flows waiting for money. Built once
 * per process from the configuration; tests and the CLI call `createFinanceDeps` with their own.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AuditStore } from "#adapters/audit-store.ts";
import { CaseStore } from "#adapters/case-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { FinanceStore } from "#adapters/finance-store.ts";
import { LedgerStore, LedgerWriter } from "#adapters/ledger/index.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import type { MatchingSource } from "#core/reconciliation/index.ts";
import { now as clockNow } from "#functions/runtime/clock.ts";
import { config } from "#functions/runtime/config.ts";
import { type Logger, logger } from "#functions/runtime/logger.ts";
import { flowDeps, processAdapters } from "../deps.ts";
import type { FlowDeps, PolicyPort } from "../ports.ts";
import { storeMatchingSource } from "./matching-source.ts";

export interface Township {
  townshipId: string;
  name: string;
  registeredPopulation: number;
}

export interface TownshipDirectory {
  /** The townships of a county; empty for an unknown county. */
  townshipsOf(countyId: string): Promise<readonly Township[]>;
}

export interface FinanceDeps {
  client: DynamoDBClient;
  tables: { main: string; ledger: string };
  ledger: LedgerStore;
  writer: LedgerWriter;
  store: FinanceStore;
  matching: MatchingSource;
  audit: AuditStore;
  policy: PolicyPort;
  directory: TownshipDirectory;
  /** For resuming flows that wait for money; absent in contexts without flows (the CLI reads only). */
  flow?: () => FlowDeps;
  log: Logger;
  now: () => Date;
}

export interface CreateFinanceDepsOptions {
  client: DynamoDBClient;
  tables: { main: string; ledger: string };
  policy: PolicyPort;
  directory?: TownshipDirectory;
  flow?: () => FlowDeps;
  /** The process's one ledger writer, shared with the flows (`processAdapters`); a new one when absent. */
  writer?: LedgerWriter;
  now?: () => Date;
}

export function createFinanceDeps(options: CreateFinanceDepsOptions): FinanceDeps {
  const db = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ledger = new LedgerStore(options.client, {
    ledger: options.tables.ledger,
    main: options.tables.main,
  });
  const now = options.now ?? clockNow;
  return {
    client: options.client,
    tables: options.tables,
    ledger,
    writer: options.writer ?? new LedgerWriter({ client: options.client, tables: options.tables }),
    store: new FinanceStore(db, options.tables.main),
    matching: storeMatchingSource({
      client: options.client,
      ledgerTable: options.tables.ledger,
      cases: new CaseStore(db, options.tables.main),
      payments: new PaymentStore({
        client: db,
        tableName: options.tables.main,
        nowMs: () => now().getTime(),
      }),
      ledger,
    }),
    audit: new AuditStore({ client: db, tableName: options.tables.main }),
    policy: options.policy,
    // The county directory in `main` (the bundled demo county when none is stored).
    directory: options.directory ?? new DirectoryStore(db, options.tables.main),
    ...(options.flow ? { flow: options.flow } : {}),
    log: logger.child({ component: "finance" }),
    now,
  };
}

let cached: { key: object; deps: FinanceDeps } | undefined;

/** The process's deps from the configuration; rebuilt when the configuration is reset (local server, tests). */
export function financeDeps(): FinanceDeps {
  const active = config();
  if (cached?.key === active) return cached.deps;
  const { client, ledgerWriter } = processAdapters();
  const deps = createFinanceDeps({
    client,
    writer: ledgerWriter,
    tables: active.tables,
    policy: {
      resolve: (...a) => flowDeps().policy.resolve(...a),
      resolveVersion: (...a) => flowDeps().policy.resolveVersion(...a),
    },
    flow: flowDeps,
  });
  cached = { key: active, deps };
  return deps;
}
