/**
 * 外地受助 in the province roll-up (DOMAIN §3.6): how many residents of each county of the province were
 * aided in another county of the deployment and closed in the period, and what was paid them — per
 * registration county × county where aided, counts and integer fen only. Read from the registration
 * county's notices (registration-notice-store.ts); the masked notices themselves stay with that county.
 */
import {
  NOTICE_QUERY_ITEMS_MAX,
  type RegistrationNoticeRecord,
  RegistrationNoticeStore,
} from "#adapters/registration-notice-store.ts";
import { localDateOf } from "#core/calendar/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import type { Range, RollupDeps } from "./rollup.ts";

/** Notices one county's figures read at most. */
export const NOTICE_FLOW_ITEMS_MAX = 20_000;

export interface NoticeFlow {
  /** The applicants' registration county (a county of the province)… */
  registrationCountyId: string;
  registrationCountyName: string;
  /** … and the county where they were aided. */
  countyId: string;
  countyName?: string;
  count: number;
  paidFen: number;
}

/** Every notice held by `registrationCountyId` closed within `range` (oldest figures read last). */
async function eachNotice(
  deps: RollupDeps,
  registrationCountyId: string,
  range: Range,
  visit: (notice: RegistrationNoticeRecord) => void,
): Promise<void> {
  const store = new RegistrationNoticeStore(deps.db, deps.table);
  let before: string | undefined = range.window.toIso;
  let read = 0;
  while (before !== undefined) {
    const page = await store.page({
      registrationCountyId,
      from: range.window.fromIso,
      before,
      limit: NOTICE_QUERY_ITEMS_MAX,
    });
    read += page.notices.length;
    if (read > NOTICE_FLOW_ITEMS_MAX) throw tooManyNotices();
    for (const notice of page.notices) visit(notice);
    before = page.lastSortKey;
  }
}

function tooManyNotices(): BusinessRuleError {
  return new BusinessRuleError(
    `more than ${NOTICE_FLOW_ITEMS_MAX} notices of one county to count in one request: choose a shorter period`,
    `本次需统计的外地受助通报超过 ${NOTICE_FLOW_ITEMS_MAX} 条，请缩短统计期间`,
    { details: { reason: "too-many-notices" } },
  );
}

/** Adds `notice` into `flows` (keyed by the county where aided). */
function add(
  flows: Map<string, NoticeFlow>,
  county: { countyId: string; name: string },
  notice: RegistrationNoticeRecord,
): void {
  const flow = flows.get(notice.countyId) ?? {
    registrationCountyId: county.countyId,
    registrationCountyName: county.name,
    countyId: notice.countyId,
    ...(notice.countyName ? { countyName: notice.countyName } : {}),
    count: 0,
    paidFen: 0,
  };
  flow.count += 1;
  flow.paidFen += notice.paidFen;
  flows.set(notice.countyId, flow);
}

const byCounty = (a: NoticeFlow, b: NoticeFlow) => a.countyId.localeCompare(b.countyId);

/** The county's residents aided elsewhere and closed in the period, per county where aided. */
export async function noticeFlowsOf(
  deps: RollupDeps,
  county: { countyId: string; name: string },
  range: Range,
): Promise<NoticeFlow[]> {
  const flows = new Map<string, NoticeFlow>();
  await eachNotice(deps, county.countyId, range, (notice) => add(flows, county, notice));
  return [...flows.values()].sort(byCounty);
}

/** The same per Asia/Shanghai month of the close (`YYYY-MM`), over `span`: what the daily row keeps. */
export async function noticeFlowsByMonth(
  deps: RollupDeps,
  county: { countyId: string; name: string },
  span: Range,
): Promise<Record<string, NoticeFlow[]>> {
  const months = new Map<string, Map<string, NoticeFlow>>();
  await eachNotice(deps, county.countyId, span, (notice) => {
    const month = localDateOf(Date.parse(notice.closedAt)).slice(0, 7);
    const flows = months.get(month) ?? new Map<string, NoticeFlow>();
    add(flows, county, notice);
    months.set(month, flows);
  });
  return Object.fromEntries([...months].map(([month, flows]) => [month, [...flows.values()].sort(byCounty)]));
}

/** Sums flows of several months per county where aided. */
export function sumFlows(lists: ReadonlyArray<readonly NoticeFlow[]>): NoticeFlow[] {
  const flows = new Map<string, NoticeFlow>();
  for (const list of lists) {
    for (const flow of list) {
      const sum = flows.get(flow.countyId) ?? { ...flow, count: 0, paidFen: 0 };
      sum.count += flow.count;
      sum.paidFen += flow.paidFen;
      flows.set(flow.countyId, sum);
    }
  }
  return [...flows.values()].sort(byCounty);
}
