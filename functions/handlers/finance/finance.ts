/**
 * County finance over HTTP (DOMAIN §6): funds, allocation, reconciliation, the signed
 * close, replenishment (maker-checker), low-balance alerts and exports. `county-finance` acts;
 * auditors (and county civil affairs) read. Each route: parse (zod) → authorize (core/access, in
 * the framework from the path and again in the service on what it reads) → service → respond.
 */
import * as z from "zod";
import { StoredProposalSchema, StoredRunSchema } from "#adapters/finance-store.ts";
import { ledgerEntrySchema } from "#core/ledger/index.ts";
import { recordPersonViews } from "#functions/http/boundary.ts";
import { httpHandler, httpRouter } from "#functions/http/index.ts";
import { FundAlertsSchema, listAlerts } from "#functions/services/finance/alerts.ts";
import { CloseResultSchema, CloseSchema, closePeriod } from "#functions/services/finance/close.ts";
import { TownshipId } from "#functions/services/finance/common.ts";
import { financeDeps } from "#functions/services/finance/deps.ts";
import {
  ExportLinkSchema,
  ExportQuerySchema,
  exportScope,
  publishExport,
} from "#functions/services/finance/exports.ts";
import { FundWaitsSchema, waitingLists } from "#functions/services/finance/fund-waits.ts";
import {
  AllocationSchema,
  allocate,
  allocateExtra,
  ExtraAllocationSchema,
  FundSummarySchema,
  listFunds,
  QuotaHintAnswerSchema,
  quotaHintFor,
  TopUpResultSchema,
} from "#functions/services/finance/funds.ts";
import {
  latestRun,
  PeriodText,
  RunViewSchema,
  runCountyReconciliation,
  runReconciliation,
} from "#functions/services/finance/reconcile.ts";
import {
  ExecutionResultSchema,
  execute,
  openProposals,
  propose,
} from "#functions/services/finance/replenishment.ts";

const tags = ["finance"];
const TownshipParams = z.object({ townshipId: TownshipId });
const PeriodParams = z.object({ townshipId: TownshipId, period: PeriodText });
/** Entries listed per request (a limit on everything); the ledger itself is streamed, never loaded. */
const ENTRIES_LIMIT_MAX = 1000;

const funds = httpHandler({
  route: "GET /funds",
  summary: "The county's township reserve funds: quota, balance, committed, available, alert level",
  tags,
  action: "fund.read",
  response: { status: 200, schema: z.object({ funds: z.array(FundSummarySchema) }) },
  handler: async ({ actor }) => ({ funds: await listFunds(financeDeps(), actor, actor.countyId) }),
});

/** A ledger entry as the API answers it: the entry, its place in the chain, the balances after it. */
const LedgerEntryAnswer = ledgerEntrySchema
  .extend({
    amountYuan: z.string(),
    sequence: z.number().int(),
    prevHash: z.string(),
    entryHash: z.string(),
    after: z.object({ quota: z.string(), balance: z.string(), committed: z.string() }),
  })
  .meta({ id: "LedgerEntry" });

const EntriesQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(ENTRIES_LIMIT_MAX).default(200),
  })
  .strict();

const entries = httpHandler({
  route: "GET /funds/{townshipId}/entries",
  params: TownshipParams,
  query: EntriesQuery,
  summary: "Ledger entries of a township fund booked in [from, to], oldest first (at most `limit`)",
  tags,
  action: "fund.read",
  response: { status: 200, schema: z.object({ entries: z.array(LedgerEntryAnswer) }) },
  handler: async ({ params, query }) => {
    const list = [];
    for await (const entry of financeDeps().ledger.streamEntries(params.townshipId, {
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      pageSize: Math.min(query.limit, ENTRIES_LIMIT_MAX),
    })) {
      list.push(entry);
      if (list.length >= query.limit) break;
    }
    return { entries: JSON.parse(JSON.stringify(list)) };
  },
});

const hint = httpHandler({
  route: "GET /funds/{townshipId}/quota-hint",
  params: TownshipParams,
  summary:
    "Quota sizing hint from the county policy: per-capita × registered population, or last year's spending",
  tags,
  action: "fund.read",
  response: { status: 200, schema: QuotaHintAnswerSchema },
  handler: ({ params, actor }) => quotaHintFor(financeDeps(), actor, params.townshipId),
});

const allocation = httpHandler({
  route: "POST /allocations",
  body: AllocationSchema,
  summary: "Set up or raise a township fund's quota: one allocation entry (Idempotency-Key required)",
  tags,
  action: "fund.allocate",
  // The key names the allocation's ledger entry: without it a retry would allocate twice.
  idempotencyKey: "required",
  response: { status: 200, schema: TopUpResultSchema },
  handler: async ({ body, actor, idempotencyKey, correlationId }) =>
    allocate(financeDeps(), actor, body, idempotencyKey as string, correlationId),
});

const extraAllocation = httpHandler({
  route: "POST /funds/{townshipId}/extra-allocations",
  params: TownshipParams,
  body: ExtraAllocationSchema,
  summary:
    "临时追加: money for a fund in mid-period, quota unchanged (Idempotency-Key required); waiting cases are paid oldest first",
  tags,
  action: "fund.allocate",
  // The key names the entry: without it a retry would add the money twice.
  idempotencyKey: "required",
  response: { status: 200, schema: TopUpResultSchema },
  handler: async ({ params, body, actor, idempotencyKey, correlationId }) =>
    allocateExtra(financeDeps(), actor, params.townshipId, body, idempotencyKey as string, correlationId),
});

const WaitingQuery = z.object({ townshipId: TownshipId.optional() }).strict();

const waiting = httpHandler({
  route: "GET /fund-waits",
  query: WaitingQuery,
  summary:
    "Cases waiting for money, per fund, in the order a top-up pays them: case number, amount, since when, what is still short",
  tags,
  action: "fund.read",
  response: { status: 200, schema: FundWaitsSchema },
  handler: ({ query, actor }) => waitingLists(financeDeps(), actor, actor.countyId, query.townshipId),
});

const ReconcileBody = z.object({ period: PeriodText, townshipId: TownshipId.optional() }).strict();

const reconcile = httpHandler({
  route: "POST /reconciliations",
  body: ReconcileBody,
  summary: "Reconcile a month or quarter: one township, or every fund of the county; discrepancies listed",
  tags,
  action: "reconciliation.run",
  response: { status: 200, schema: z.object({ runs: z.array(RunViewSchema) }) },
  handler: async ({ body, actor }) => {
    const deps = financeDeps();
    const runs = body.townshipId
      ? [await runReconciliation(deps, actor, body.townshipId, body.period)]
      : await runCountyReconciliation(deps, actor, actor.countyId, body.period);
    return { runs };
  },
});

const stored = httpHandler({
  route: "GET /funds/{townshipId}/periods/{period}/reconciliation",
  params: PeriodParams,
  summary: "The latest stored reconciliation of a period (finance and auditors)",
  tags,
  action: "fund.read",
  response: { status: 200, schema: StoredRunSchema },
  handler: ({ params, actor }) => latestRun(financeDeps(), actor, params.townshipId, params.period),
});

const close = httpHandler({
  route: "POST /funds/{townshipId}/periods/{period}/close",
  params: PeriodParams,
  body: CloseSchema,
  summary: "Sign the reconciliation and close the period (no back-dated entries); proposes the replenishment",
  tags,
  action: "reconciliation.close",
  response: { status: 200, schema: CloseResultSchema },
  handler: ({ params, body, actor, correlationId }) =>
    closePeriod(financeDeps(), actor, params.townshipId, params.period, body ?? {}, correlationId),
});

const proposals = httpHandler({
  route: "GET /replenishments",
  summary: "Replenishment proposals of the county waiting for a second finance user",
  tags,
  action: "fund.read",
  response: { status: 200, schema: z.object({ proposals: z.array(StoredProposalSchema) }) },
  handler: async ({ actor }) => ({ proposals: await openProposals(financeDeps(), actor, actor.countyId) }),
});

const proposeRoute = httpHandler({
  route: "POST /funds/{townshipId}/periods/{period}/replenishment",
  params: PeriodParams,
  summary: "Propose the replenishment of a closed period: quota − closing balance",
  tags,
  action: "fund.replenish.propose",
  response: { status: 200, schema: z.object({ proposal: StoredProposalSchema }) },
  handler: async ({ params, actor, correlationId }) => ({
    proposal: await propose(financeDeps(), actor, params.townshipId, params.period, correlationId),
  }),
});

const executeRoute = httpHandler({
  route: "POST /funds/{townshipId}/periods/{period}/replenishment/execute",
  params: PeriodParams,
  // Maker-checker is checked in the service against the stored proposal (its proposer may not execute).
  actions: ["fund.replenish.execute"],
  summary:
    "Execute a replenishment (a second finance user): ledger entry, then resume flows waiting for money",
  tags,
  response: { status: 200, schema: ExecutionResultSchema },
  handler: ({ params, actor, correlationId }) =>
    execute(financeDeps(), actor, params.townshipId, params.period, correlationId),
});

const alerts = httpHandler({
  route: "GET /alerts",
  summary: "Low-balance alerts of the county's funds (each also notified to county finance once)",
  tags,
  action: "fund.read",
  response: { status: 200, schema: FundAlertsSchema },
  handler: ({ actor }) => listAlerts(financeDeps(), actor, actor.countyId),
});

const ExportQuery = ExportQuerySchema.extend({ period: PeriodText });

const EXPORT_ROUTE = "GET /exports/reconciliation";

/** Exports are written to the documents store and handed out as a short-lived link. */
const exportRoute = httpHandler({
  route: EXPORT_ROUTE,
  query: ExportQuery,
  summary:
    "Export a period to a file behind a short-lived download link: CSV (UTF-8 with BOM, Chinese headers; kind = summary | detail | discrepancies) or XLSX (all three sheets)",
  tags,
  action: "export.run",
  response: { status: 200, schema: ExportLinkSchema, description: "The file's download link (GET, minutes)" },
  handler: async ({ query, actor }) => {
    const deps = financeDeps();
    const scope = await exportScope(deps, actor, actor.countyId, query.period, query.townshipId);
    const link = await publishExport(deps, scope, query);
    await recordPersonViews(actor, EXPORT_ROUTE, "export", scope.personsShown);
    return link;
  },
});

export const handler = httpRouter(
  funds,
  entries,
  hint,
  allocation,
  extraAllocation,
  waiting,
  reconcile,
  stored,
  close,
  proposals,
  proposeRoute,
  executeRoute,
  alerts,
  exportRoute,
);
