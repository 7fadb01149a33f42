/**
 * A surge of Flow A cases on ONE township through the HTTP API: an officer files
 * each case on behalf of a distinct applicant (代为申请, a valid resident ID each), the township
 * approver approves the advance, the flow draws on the township fund and pays through the bank
 * simulator, whose signed callback resumes the flow. Used by `npm run bench` (in-process county) and
 * by `scripts/restart-surge.ts` (county in a child process, killed mid-surge).
 *
 * Every request carries an idempotency key derived from the case's index, so a request retried
 * after a crash or a refused connection is the same request: a case is never filed twice.
 */
import { SFNClient } from "@aws-sdk/client-sfn";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb/engine.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";

export const SURGE_TOWNSHIP = "230123100";
export const SURGE_OFFICER = "officer-chengguan-1";
export const SURGE_APPROVER = "approver-chengguan";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** A GB 11643 resident ID, distinct per index (area 230123, born 1960–1999). */
export function residentId(index: number): string {
  const year = 1960 + (index % 40);
  const day = 1 + (Math.floor(index / 40) % 28);
  const sequence = Math.floor(index / 1120) % 1000;
  const body = `230123${year}01${String(day).padStart(2, "0")}${String(sequence).padStart(3, "0")}`;
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * (WEIGHTS[i] as number), 0);
  return body + CHECK[sum % 11];
}

export function surgeFiling(index: number): Record<string, unknown> {
  const name = `灾民${String(index).padStart(5, "0")}`;
  return {
    townshipId: SURGE_TOWNSHIP,
    hardship: { cause: "flood" },
    description: "洪水冲毁住房，急需生活救助",
    applicant: {
      name,
      document: { type: "resident-id", number: residentId(index) },
      registration: { countyCode: "230123" },
    },
    bankAccount: {
      holderName: name,
      bankName: "农村信用社",
      account: `62170000${String(index).padStart(8, "0")}`,
    },
    onBehalf: { reason: "found-by-staff" },
  };
}

export interface SurgeClients {
  officer: ApiClient;
  approver: ApiClient;
}

export async function surgeClients(apiUrl: string): Promise<SurgeClients> {
  return { officer: await signIn(apiUrl, SURGE_OFFICER), approver: await signIn(apiUrl, SURGE_APPROVER) };
}

/** A Step Functions client of the local county's runtime (its endpoint on the loopback). */
export function localSfn(sfnEndpoint: string): SFNClient {
  return new SFNClient({ endpoint: sfnEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries while the county is unreachable or busy (a restart, a 5xx), up to `deadlineMs`. */
async function persist<T>(what: string, deadlineMs: number, work: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const value = await work();
      if (value !== undefined) return value;
    } catch (error) {
      if (Date.now() > deadlineMs) throw new Error(`${what}: ${String(error)}`);
    }
    if (Date.now() > deadlineMs) throw new Error(`${what}: gave up`);
    await pause(Math.min(1000, 25 * 2 ** Math.min(attempt, 6)));
  }
}

export interface SurgeCase {
  index: number;
  caseId?: string;
  approved: boolean;
}

/** Files case `index` and approves its advance; idempotent, so it may be called again after a crash. */
export async function fileAndApprove(
  clients: SurgeClients,
  index: number,
  options: { runId: string; amountYuan: string; deadlineMs: number },
): Promise<SurgeCase> {
  const caseId = await persist(`file case ${index}`, options.deadlineMs, async () => {
    const filed = await clients.officer.post<{ caseId: string }>("/cases", surgeFiling(index), {
      idempotencyKey: `${options.runId}-file-${index}`,
    });
    if (filed.status === 201 || filed.status === 200) return filed.body.caseId;
    if (filed.status >= 500) return undefined;
    throw new Error(`filing refused: ${filed.status} ${filed.text.slice(0, 300)}`);
  });
  await persist(`approve case ${caseId}`, options.deadlineMs, async () => {
    const decided = await clients.approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: options.amountYuan },
      { idempotencyKey: `${options.runId}-approve-${index}` },
    );
    if (decided.status === 200) return true;
    // Decided before a crash, under another key: nothing changed, which is what we want.
    if (decided.status === 409 && decided.text.includes("already decided")) return true;
    // 409 "not waiting yet": the decision task is not open yet — ask again shortly.
    if (decided.status === 409 || decided.status >= 500) return undefined;
    throw new Error(`approval refused: ${decided.status} ${decided.text.slice(0, 300)}`);
  });
  return { index, caseId, approved: true };
}

export async function inPool<T>(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}

export interface CaseProgress {
  case: { caseId: string; status: string };
  tasks: { taskType: string; status: string; assigneeRoles: string[]; dueAt: string | null }[];
  payments: {
    obligation: { obligationId: string; status: string; amountYuan: string };
    attempts: { attempt: number; status: string; instructionId: string; bankReference?: string }[];
  }[];
}

export async function progressOf(
  client: ApiClient,
  caseId: string,
  deadlineMs: number,
): Promise<CaseProgress> {
  return persist(`progress of ${caseId}`, deadlineMs, async () => {
    const got = await client.get<CaseProgress>(`/cases/${caseId}/progress`);
    if (got.status === 200) return got.body;
    if (got.status >= 500) return undefined;
    throw new Error(`progress refused: ${got.status} ${got.text.slice(0, 200)}`);
  });
}

export function advancePaid(progress: CaseProgress): boolean {
  return progress.payments.some(
    (p) => p.obligation.obligationId.endsWith(".advance") && p.obligation.status === "paid",
  );
}

/** Closed, or waiting on an open task that names who must act (roles) and by when. */
export function closedOrWaitingOnSomeone(progress: CaseProgress): boolean {
  return (
    progress.case.status === "closed" ||
    progress.tasks.some((t) => t.status === "open" && t.assigneeRoles.length > 0 && t.dueAt !== null)
  );
}

/**
 * Waits until every case's advance is paid — and, with `settled`, until the flow has moved on past
 * the payment to a state that names its owner (or `deadlineMs`); returns the last progress of each.
 */
export async function waitUntilPaid(
  client: ApiClient,
  caseIds: readonly string[],
  deadlineMs: number,
  concurrency = 8,
  settled: (progress: CaseProgress) => boolean = advancePaid,
): Promise<Map<string, CaseProgress>> {
  const last = new Map<string, CaseProgress>();
  let pending = [...caseIds];
  while (pending.length > 0) {
    const still: string[] = [];
    await inPool(pending.length, concurrency, async (i) => {
      const caseId = pending[i] as string;
      const progress = await progressOf(client, caseId, deadlineMs);
      last.set(caseId, progress);
      if (!settled(progress)) still.push(caseId);
    });
    pending = still;
    if (pending.length === 0 || Date.now() > deadlineMs) break;
    await pause(250);
  }
  return last;
}

/** Polls `check` every 100 ms until it answers something; past `deadlineMs`, fails naming `what`. */
export async function until<T>(
  what: string,
  deadlineMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
