/**
 * The province roll-up (DOMAIN §8): `GET /province/rollup` — per county and township
 * of the reader's province, for a period of Asia/Shanghai dates; `GET /province/rollup/export` — the
 * same as an XLSX workbook behind a short-lived link. Figures as of the daily roll-up
 * (services/province/daily-rollup.ts) where stored. `province-viewer` (read-only) and
 * `province-admin`; county roles and another province get 403. No personal data.
 */
import { httpHandler, httpRouter } from "#functions/http/index.ts";
import { ExportLinkSchema } from "#functions/services/finance/exports.ts";
import { rollupDeps } from "#functions/services/province/deps.ts";
import { provinceRollup, RollupQuery } from "#functions/services/province/rollup.ts";
import { publishRollup } from "#functions/services/province/rollup-export.ts";
import { ProvinceRollupSchema } from "#functions/services/province/schema.ts";

const tags = ["province"];

const PERIOD =
  "`from` and `to` are Asia/Shanghai dates (YYYY-MM-DD, both included, at most 366 days); neither: this " +
  "month so far. `provinceId` defaults to the reader's province; another one is refused (403).";

const rollup = httpHandler({
  route: "GET /province/rollup",
  query: RollupQuery,
  action: "rollup.read",
  summary:
    "Province roll-up per county and township: cases, amounts paid, advance decisions in time, overdue paperwork, funds, reconciliation",
  description:
    `${PERIOD} Cases filed in the period by hardship type, status (and status group), local vs non-local ` +
    "registration; draws and reversals booked in the period (integer fen), local vs non-local; advance " +
    "decisions on the period's cases and how many within the case's policy response time (typical 24 h); " +
    "paperwork open now past its deadline; each fund's quota, balance and available money now, below its " +
    "alert level, alerts raised in the period; funds closed through the period's end and months of the " +
    "period over and not closed; 外地受助 closed in the period per registration county × county where " +
    "aided (count and amount paid). Each county's figures come from the daily roll-up stored for it " +
    "(`source: stored`, as of its `asOf`) when the stored months make up the period, else are computed " +
    "for the request (`source: computed`: a county added since the last run, or a period not of whole " +
    "months). Counts and sums only: no name, document, phone or account.",
  tags,
  response: { status: 200, schema: ProvinceRollupSchema, description: "The roll-up" },
  handler: ({ query, actor }) => provinceRollup(rollupDeps(), actor, query),
});

const rollupExport = httpHandler({
  route: "GET /province/rollup/export",
  query: RollupQuery,
  action: "rollup.read",
  summary: "The province roll-up as an XLSX workbook (各县汇总, 乡镇明细) behind a short-lived download link",
  description: `${PERIOD} Chinese headers; amounts in yuan with two decimals, as numbers.`,
  tags,
  response: { status: 200, schema: ExportLinkSchema, description: "The file's download link (GET, minutes)" },
  handler: async ({ query, actor }) => publishRollup(await provinceRollup(rollupDeps(), actor, query)),
});

export const handler = httpRouter(rollup, rollupExport);
