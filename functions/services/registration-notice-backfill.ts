/**
 * 外地受助 backfill (DOMAIN §3.6): cases closed before the notices existed have none. This writes, from
 * each closed case of a county (or of every county of the deployment), the notice its close would have
 * written (steps/automatic.ts `notifyRegistrationCounty`): same registration rule, same masking, the
 * case's own close time. Idempotent: a case whose notice is there (from this backfill or from a later
 * close) gets nothing; an older notice is replaced only by a later close. No message is sent: the
 * registration county reads the notices, the close's message was a matter of its own day.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type ClosedCase, ClosedCaseSource } from "#adapters/closed-cases.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import {
  type RegistrationNoticeRecord,
  RegistrationNoticeStore,
} from "#adapters/registration-notice-store.ts";
import { registrationFollowUp, registrationOf } from "#core/cases/index.ts";
import { NotFoundError } from "#core/errors.ts";
import { maskIdNumber, maskName } from "#core/identity/index.ts";
import { Yuan } from "#core/money/yuan.ts";

export interface NoticeBackfillDeps {
  db: DynamoDBDocumentClient;
  table: string;
}

export interface NoticeBackfillOptions {
  /** Only the cases closed in this county; every county of the deployment without it. */
  countyId?: string;
  dryRun: boolean;
}

export interface CountyBackfill {
  countyId: string;
  name: string;
  /** Closed cases read. */
  closed: number;
  /** Of them, non-local applicants of another county (a notice is due). */
  due: number;
  /** Notices written (or, on a dry run, that would be). */
  written: number;
  /** Notices already there (this close's or a later one's). */
  present: number;
}

/** The notice the close of `record` writes, or undefined when no registration county is told. */
export function noticeOfClosedCase(
  record: ClosedCase,
  names: { countyName?: string; townshipName?: string },
): RegistrationNoticeRecord | undefined {
  const registrationCounty = registrationFollowUp(
    registrationOf(record.applicant.registration ?? {}),
    record.countyId,
  ).notifyCountyId;
  const outcome = record.outcome ?? {};
  if (!registrationCounty || !record.closedAt || typeof outcome.result !== "string") return undefined;
  // Flow B's close records the plan (stagesPlanned) and everything paid on the case; Flow A's its total.
  const flowB = "stagesPlanned" in outcome;
  const paid = String((flowB ? outcome.totalPaidOnCaseYuan : outcome.totalPaidYuan) ?? "0.00");
  return {
    caseId: record.caseId,
    registrationCountyId: registrationCounty,
    countyId: record.countyId,
    ...(names.countyName ? { countyName: names.countyName } : {}),
    townshipId: record.townshipId,
    ...(names.townshipName ? { townshipName: names.townshipName } : {}),
    flow: flowB ? "B" : "A",
    cause: record.hardship.cause,
    result: outcome.result,
    paidFen: Number(Yuan.parse(paid).toFenString()),
    applicantNameMasked: maskName(record.applicant.name),
    idNumberMasked: maskIdNumber(record.applicant.document.numberMasked),
    filedAt: record.filedAt,
    closedAt: record.closedAt,
  };
}

async function countiesOf(
  directory: DirectoryStore,
  countyId: string | undefined,
): Promise<Array<{ countyId: string; name: string }>> {
  if (countyId === undefined) return directory.countiesOfDeployment();
  const county = await directory.county(countyId);
  if (!county) {
    throw new NotFoundError(`County ${countyId} does not exist`, "该县（市、区）不存在");
  }
  return [county];
}

export async function backfillRegistrationNotices(
  deps: NoticeBackfillDeps,
  options: NoticeBackfillOptions,
): Promise<CountyBackfill[]> {
  const directory = new DirectoryStore(deps.db, deps.table);
  const source = new ClosedCaseSource(deps.db, deps.table);
  const notices = new RegistrationNoticeStore(deps.db, deps.table);
  const results: CountyBackfill[] = [];
  for (const county of await countiesOf(directory, options.countyId)) {
    const result: CountyBackfill = { ...county, closed: 0, due: 0, written: 0, present: 0 };
    for (const township of await directory.townshipsOf(county.countyId)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await source.page(township.townshipId, start);
        for (const record of page.cases) {
          result.closed += 1;
          const notice = noticeOfClosedCase(record, {
            countyName: county.name,
            townshipName: township.name,
          });
          if (!notice) continue;
          result.due += 1;
          if (await write(notices, notice, options.dryRun)) result.written += 1;
          else result.present += 1;
        }
        start = page.next;
      } while (start);
    }
    results.push(result);
  }
  return results;
}

/** Writes the notice where it is missing (a dry run only looks); true when it was (would be) written. */
async function write(
  store: RegistrationNoticeStore,
  notice: RegistrationNoticeRecord,
  dryRun: boolean,
): Promise<boolean> {
  if (!dryRun) return store.putIfMissing(notice);
  const stored = await store.find(notice.registrationCountyId, notice.caseId);
  return stored === undefined || stored.closedAt < notice.closedAt;
}
