/**
 * One seeded run of the full-flow simulation on the local county: a county of its own is set up,
 * finance allocates its township's fund through the API, then step by step the driver looks at every
 * case through `GET /cases/{id}/progress`, lists what could happen next — a filing, the decision a
 * waiting task asks for (on time, late, repeated, contradicted), several decisions at once on one
 * fund, the bank settling (failures, lost and doubled callbacks), county finance topping up a dry
 * fund, the clock moving to the next deadline — picks one with the seed's PRNG, does it through the
 * HTTP API (or the bank, or the clock) and waits until the county stands still. DynamoDB faults hit
 * every handler request meanwhile (dynamo-fault-injector.ts). After the run: invariants.ts.
 *
 * A step's outcome is recorded in the trace by what the county answered and by the sorted states of
 * the cases — never by generated ids — so a seed's trace can be compared with its replay.
 */

import { type CaseRecord, CaseStore } from "#adapters/case-store.ts";
import { type HumanTask, HumanTaskStore } from "#adapters/human-task-store.ts";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import { queryAll } from "#adapters/query-all.ts";
import { executionArnOf, executionNameOf } from "#functions/services/executions.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { residentId } from "../../../bench/surge/surge.ts";
import { Prng } from "../model/prng.ts";
import { advanceClock, provisionRunCounty, RUN_START_MS, type RunCounty, type SimCounty } from "./county.ts";
import { type CountyViolation, checkCountyInvariants } from "./invariants.ts";
import { type CaseScenario, generateRunScenario, type RunScenario } from "./scenario.ts";

const STEPS_MAX = 70;
/** After the steps: bank flushes and clock moves that let money in flight settle. */
const DRAIN_ROUNDS = 8;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Test-only faults the invariants must catch. `double-draw`: a payment step that mints a fresh entry
 * id when it is retried (instead of the obligation's own `draw:<obligation>:<attempt>`) — the fund
 * pays a paid obligation a second time.
 */
export type BrokenCountyFault = "double-draw";

export interface CountyRunOptions {
  seed: number;
  /** A number unique in this process: the run's county id (a replay runs on a fresh county). */
  instance: number;
  /** A deliberately broken rule (test-only) the invariants must catch. */
  broken?: BrokenCountyFault;
}

export interface CountyRunResult {
  seed: number;
  profile: string;
  cases: number;
  steps: number;
  stats: Record<string, number>;
  faultsInjected: number;
  violations: CountyViolation[];
  trace: string[];
  /** Cases still waiting on someone at the end (not closed). */
  openCases: number;
  ms: number;
}

export interface SimCase extends CaseScenario {
  index: number;
  caseId?: string;
  account: string;
  /** Accounts tried so far (the first may be closed; a re-route uses a fresh one). */
  reroutes: number;
  decided: Set<string>;
  repeated: boolean;
}

interface Task {
  taskType: string;
  status: string;
  assigneeRoles: string[];
  escalated?: boolean;
  overdue?: boolean;
  dueAt: string | null;
  details?: Record<string, unknown>;
}

export interface Progress {
  case: { caseId: string; status: string; dueAt?: string | null };
  tasks: Task[];
  payments: { obligation: { obligationId: string; status: string } }[];
}

interface Action {
  name: string;
  weight: number;
  run(): Promise<string>;
}

export async function runCountySeed(county: SimCounty, options: CountyRunOptions): Promise<CountyRunResult> {
  const started = Date.now();
  const rng = new Prng(options.seed);
  const scenario = generateRunScenario(rng);
  county.clock.resetTo(RUN_START_MS);
  county.clearLogs();
  const run = await provisionRunCounty(county, options.instance, {
    registeredPopulation: scenario.population,
    area: scenario.area,
  });
  const cases: SimCase[] = scenario.cases.map((c, index) => ({
    ...c,
    index,
    account: accountOf(options.instance, index, 0),
    reroutes: 0,
    decided: new Set(),
    repeated: false,
  }));
  const stats: Record<string, number> = {};
  const bump = (key: string, by = 1) => {
    stats[key] = (stats[key] ?? 0) + by;
  };
  const clients = {
    officer: county.clientFor(run.users.officer),
    officer2: county.clientFor(run.users.officer2),
    approver: county.clientFor(run.users.approver),
    civil: county.clientFor(run.users.civil),
    finance: county.clientFor(run.users.finance),
  };
  const stores = {
    cases: new CaseStore(county.doc, county.tables.main),
    tasks: new HumanTaskStore(county.doc, county.tables.main),
  };
  const world: World = {
    county,
    run,
    scenario,
    cases,
    clients,
    stores,
    rng,
    stats,
    bump,
    instance: options.instance,
  };
  setBankFates(county, cases);

  // County finance opens the fund: an allocation up to the quota, through the API.
  const allocated = await post(
    world,
    clients.finance,
    "/allocations",
    { townshipId: run.townshipId, targetQuotaYuan: `${scenario.population}.00`, reason: "年度备用金拨付" },
    "allocation",
  );
  if (allocated.status !== 200 && allocated.status !== 201)
    throw new Error(`allocation refused: ${allocated.status} ${allocated.text}`);

  county.faults.setPlan({
    seed: options.seed,
    rates: scenario.profile.rates,
    normalize: (text) => normalizeIds(text, run, cases),
  });
  const trace: string[] = [
    `profile ${scenario.profile.name}; fund ${scenario.population}.00; cases ${cases.map((c) => `${c.key}:${c.flow}/${c.cause}/${c.accountFate}/${c.advance}/${c.followUp}`).join(" ")}`,
  ];
  let steps = 0;
  let faultsInjected = 0;
  let views = new Map<string, Progress>();
  try {
    views = await observe(world);
    for (; steps < STEPS_MAX; steps++) {
      const menu = actionsFor(world, views);
      if (menu.length === 0) break;
      const action = weightedPick(rng, menu);
      const outcome = await action.run();
      await county.quiet();
      views = await observe(world, views);
      trace.push(`${steps}: ${action.name} → ${outcome} | ${summarize(world, views)}`);
    }
    // Drain: the bank settles what it holds, the clock lets polls and retries happen.
    for (let round = 0; round < DRAIN_ROUNDS; round++) {
      const holding = county.bank.simulator.transfers().some((t) => t.status === "accepted");
      const next = county.clock.nextDueMs();
      // Settled: the bank holds nothing and no poll or retry falls due within the hour.
      if (!holding && (next === undefined || next > county.clock.nowMs() + HOUR_MS)) break;
      await county.bank.simulator.flush();
      await county.quiet();
      await advanceClock(county, county.clock.nowMs() + HOUR_MS);
    }
    views = await observe(world, views);
    // Every case read afresh: a view the driver kept must be what the stores hold (observe's premise).
    const fresh = await observe(world, undefined, readThroughStores);
    checkViewsCurrent(world, views, fresh);
    views = fresh;
    trace.push(`end | ${summarize(world, views)}`);
  } finally {
    faultsInjected = countFaults(county, bump);
    county.faults.setPlan(undefined);
  }
  countBankFates(world);
  if (options.broken === "double-draw") await drawTwice(world, trace);
  const violations = await checkCountyInvariants(world);
  if (violations.length > 0) trace.push(...(await executionStory(world)));
  const final = await observe(world, views);
  const openCases = [...final.values()].filter((p) => p.case.status !== "closed").length;
  await stopRunExecutions(world);
  return {
    seed: options.seed,
    profile: scenario.profile.name,
    cases: cases.length,
    steps,
    stats,
    faultsInjected,
    violations,
    trace,
    openCases,
    ms: Date.now() - started,
  };
}

export interface World {
  county: SimCounty;
  run: RunCounty;
  scenario: RunScenario;
  cases: SimCase[];
  clients: Record<"officer" | "officer2" | "approver" | "civil" | "finance", ApiClient>;
  /** Direct reads of what the county stored (no faults): observation between steps. */
  stores: { cases: CaseStore; tasks: HumanTaskStore };
  rng: Prng;
  stats: Record<string, number>;
  bump(key: string, by?: number): void;
  instance: number;
}

/** Attempts per request: a caller retries a 5xx with the same idempotency key, as any client would. */
const ATTEMPTS_MAX = 6;
/** How long a client waits before sending a request again whose first try is still "in progress". */
const STALE_CLAIM_WAIT_MS = 2 * 60_000;

type Answer<T> = Awaited<ReturnType<ApiClient["get"]>> & { body: T };

async function retrying<T>(world: World, send: () => Promise<Answer<T>>): Promise<Answer<T>> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    const inProgress = response.status === 409 && codeOf(response) === "IN_PROGRESS";
    if ((response.status < 500 && !inProgress) || attempt >= ATTEMPTS_MAX) return response;
    if (inProgress) {
      // The first try's claim outlived it (its release was lost too): a client tries again later.
      world.bump("requests retried after their claim went stale");
      await advanceClock(world.county, world.county.clock.nowMs() + STALE_CLAIM_WAIT_MS);
    } else world.bump("requests retried after a 5xx");
    await world.county.quiet();
  }
}

function post<T = unknown>(
  world: World,
  client: ApiClient,
  path: string,
  body: unknown,
  idempotencyKey: string,
): Promise<Answer<T>> {
  return retrying(world, () => client.post<T>(path, body, { idempotencyKey }) as Promise<Answer<T>>);
}

function accountOf(instance: number, caseIndex: number, reroute: number): string {
  return `6217${String(instance).padStart(8, "0")}${caseIndex}${reroute}`;
}

function setBankFates(county: SimCounty, cases: SimCase[]): void {
  const first = (fate: string) => cases.filter((c) => c.accountFate === fate).map((c) => c.account);
  county.bank.simulator.setKnobs({
    closedAccounts: first("closed"),
    lostCallbackAccounts: first("callback-lost"),
    duplicateCallbackAccounts: first("callback-twice"),
  });
}

/** The run's ids → aliases, then any remaining generated id → a placeholder: replay-stable fault keys. */
/**
 * Idempotency keys, references and user ids carry no instance number (users are per county), so the
 * run's county and township codes, its case ids and the hex digests are all that differ between a
 * seed and its replay.
 */
export function normalizeIds(text: string, run: RunCounty, cases: readonly SimCase[]): string {
  let out = text;
  for (const c of cases) if (c.caseId) out = out.split(c.caseId).join(c.key);
  return out
    .split(run.townshipId)
    .join("TWN")
    .split(run.countyId)
    .join("CTY")
    .replace(/C\d{8}-[0-9a-f]{10}/g, "C?")
    .replace(/[0-9a-f]{16,}/gi, "~");
}

const ENDED_STATUSES: ReadonlySet<string> = new Set(["closed", "withdrawn"]);

/**
 * Where every case stands, read straight from what the county stored (the case item and its human
 * tasks) — what `GET /cases/{id}/progress` shows, without an HTTP round trip per case per step. The
 * end of the run checks through the API itself (invariants.ts).
 *
 * With `previous` (the last look), a case is read again only if a write request named its partition
 * since then (the fault injector sees every request of the county: dynamo-fault-injector.ts). What no
 * write touched is as it was: a view is the stored items alone (the task store keeps `overdue` and
 * `escalated` as attributes; nothing in it is computed from the clock), so a clock move that wrote
 * nothing changed nothing. The end of the run compares the views kept with a fresh read of every
 * case through the stores (`checkViewsCurrent`).
 */
async function observe(
  world: World,
  previous?: Map<string, Progress>,
  read: CaseReader = readCasePartition,
): Promise<Map<string, Progress>> {
  const written = world.county.faults.takeWritten();
  // The county stands still while the driver looks, so every case's read goes out at once.
  const seen = await Promise.all(
    world.cases.map(async (c): Promise<Progress | undefined> => {
      if (!c.caseId) return undefined;
      const before = previous?.get(c.key);
      // A closed or withdrawn case moves no more (the end of the run re-reads every case through the API).
      if (before && (ENDED_STATUSES.has(before.case.status) || !written.touched(`CASE#${c.caseId}`)))
        return before;
      return read(world, c.caseId);
    }),
  );
  const views = new Map<string, Progress>();
  world.cases.forEach((c, i) => {
    const view = seen[i];
    if (view) views.set(c.key, view);
  });
  return views;
}

type CaseReader = (world: World, caseId: string) => Promise<Progress>;

/**
 * A case's view in one request: its partition from the case item (`CASE`) to its last task
 * (`TASK#…`), the items `CaseStore.get` and `HumanTaskStore.forCase` read (the end of the run
 * compares the two: `checkViewsCurrent`).
 */
const readCasePartition: CaseReader = async (world, caseId) => {
  const items = await queryAll(world.county.doc, {
    TableName: world.county.tables.main,
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :last",
    // `$` follows `#`: every `TASK#…` sort key lies below `TASK$`.
    ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":first": "CASE", ":last": "TASK$" },
    ConsistentRead: true,
  });
  const record = items.find((item) => item.sk === "CASE");
  if (!record) throw new Error(`case ${caseId} is not stored`);
  return {
    case: caseView(record as CaseRecord),
    tasks: items.filter((item) => String(item.sk).startsWith("TASK#")).map((t) => taskView(t as HumanTask)),
    payments: [],
  };
};

/** A case's view through the stores (two requests). */
const readThroughStores: CaseReader = async (world, caseId) => {
  const [record, tasks] = await Promise.all([
    world.stores.cases.get(caseId),
    world.stores.tasks.forCase(caseId),
  ]);
  return { case: caseView(record), tasks: tasks.map(taskView), payments: [] };
};

function caseView(record: CaseRecord): Progress["case"] {
  return { caseId: record.caseId, status: record.status, dueAt: (record.dueAt as string | null) ?? null };
}

function taskView(t: HumanTask): Task {
  return {
    taskType: t.taskType,
    status: t.status,
    assigneeRoles: t.assigneeRoles,
    escalated: t.escalated,
    overdue: t.overdue,
    dueAt: t.dueAt ?? null,
    ...(t.details ? { details: t.details } : {}),
  };
}

/** The views the driver kept through the run are the stores' own (else observe missed a write). */
function checkViewsCurrent(world: World, kept: Map<string, Progress>, fresh: Map<string, Progress>): void {
  for (const c of world.cases) {
    const before = kept.get(c.key);
    // An ended case is not read again by observe, and the invariants read it through the API.
    if (before && ENDED_STATUSES.has(before.case.status)) continue;
    if (JSON.stringify(before) !== JSON.stringify(fresh.get(c.key)))
      throw new Error(
        `the driver's view of ${c.key} went stale: a write reached its partition unseen by the fault injector`,
      );
  }
}

function summarize(world: World, views: Map<string, Progress>): string {
  return world.cases
    .map((c) => {
      const view = views.get(c.key);
      if (!view) return `${c.key}:unfiled`;
      const open = view.tasks.filter((t) => t.status === "open").map((t) => t.taskType);
      return `${c.key}:${view.case.status}${open.length ? `[${open.sort().join(",")}]` : ""}`;
    })
    .join(" ");
}

function openTask(view: Progress | undefined, taskType: string): Task | undefined {
  return view?.tasks.find((t) => t.taskType === taskType && t.status === "open");
}

function weightedPick(rng: Prng, menu: Action[]): Action {
  const total = menu.reduce((sum, a) => sum + a.weight, 0);
  let draw = rng.float() * total;
  for (const action of menu) {
    draw -= action.weight;
    if (draw < 0) return action;
  }
  return menu[menu.length - 1] as Action;
}

function codeOf(response: { body: unknown }): string | undefined {
  const body = response.body as { code?: unknown } | undefined;
  return typeof body?.code === "string" ? body.code : undefined;
}

/** An HTTP answer as the trace records it: the status, and the error code when refused. */
function answer(response: { status: number; body: unknown }): string {
  const code = response.status >= 400 ? codeOf(response) : undefined;
  return code ? `${response.status} ${code}` : String(response.status);
}

function actionsFor(world: World, views: Map<string, Progress>): Action[] {
  const { county, clients, cases, bump } = world;
  const menu: Action[] = [];
  const unfiled = cases.find((c) => !c.caseId);
  if (unfiled) menu.push({ name: `file ${unfiled.key}`, weight: 3, run: () => fileCase(world, unfiled) });

  const approvable: SimCase[] = [];
  for (const c of cases) {
    const view = views.get(c.key);
    if (!view) continue;
    const decision = openTask(view, "advance-decision");
    if (decision) {
      if (c.advance === "late" && !decision.escalated) {
        menu.push({
          name: `${c.key}: the approver lets the response time pass`,
          weight: 2,
          run: async () => {
            bump("advance decisions left to escalate");
            await advanceClock(county, Date.parse(decision.dueAt as string) + 60_000);
            return "escalated";
          },
        });
      } else if (decision.escalated) {
        menu.push({
          name: `${c.key}: county civil affairs decides the escalated advance`,
          weight: 3,
          run: async () => {
            bump("decisions escalated to the county");
            return decideAdvance(world, c, clients.civil, "/escalation-decision", "approve");
          },
        });
      } else {
        approvable.push(c);
        menu.push({
          name: `${c.key}: the approver decides the advance (${c.advance})`,
          weight: 3,
          run: () => decideAdvance(world, c, clients.approver, "/advance-decision", c.advance),
        });
      }
    }
    if (c.decided.has("advance") && !c.repeated && c.repeatDecision !== "no") {
      menu.push({
        name: `${c.key}: the advance decision is sent again (${c.repeatDecision})`,
        weight: 1,
        run: () => repeatDecision(world, c),
      });
    }
    if (openTask(view, "payment-route")) {
      menu.push({
        name: `${c.key}: the officer re-routes the failed payment (${c.route})`,
        weight: 3,
        run: () => routePayment(world, c),
      });
    }
    for (const wait of ["fund-replenishment", "plan-funds"] as const) {
      if (openTask(view, wait)) {
        menu.push({
          name: `${c.key}: county finance tops the dry fund up`,
          weight: 3,
          run: () => topUp(world, c, wait),
        });
      }
    }
    const paperwork = openTask(view, "paperwork");
    if (paperwork) {
      if (c.paperworkLate && !paperwork.overdue && paperwork.dueAt) {
        menu.push({
          name: `${c.key}: the paperwork deadline passes`,
          weight: 2,
          run: async () => {
            bump("paperwork deadlines passed");
            await advanceClock(county, Date.parse(paperwork.dueAt as string) + 60_000);
            return "overdue";
          },
        });
      } else {
        menu.push({
          name: `${c.key}: the officers file the paperwork`,
          weight: 3,
          run: () => paperworkOf(world, c),
        });
      }
    }
    if (openTask(view, "follow-up"))
      menu.push({ name: `${c.key}: follow-up (${c.followUp})`, weight: 3, run: () => followUp(world, c) });
    if (openTask(view, "additional-aid-approval"))
      menu.push({
        name: `${c.key}: the approver decides the additional aid`,
        weight: 3,
        run: () => decideAdditional(world, c),
      });
    if (openTask(view, "assessment"))
      menu.push({ name: `${c.key}: the officer assesses the plan`, weight: 3, run: () => assess(world, c) });
    if (openTask(view, "plan-approval"))
      menu.push({
        name: `${c.key}: the approver decides the plan`,
        weight: 3,
        run: () => approvePlan(world, c),
      });
    const recheck = openTask(view, "stage-recheck");
    if (recheck)
      menu.push({
        name: `${c.key}: the officer re-checks stage ${String(recheck.details?.stage)}`,
        weight: 3,
        run: () => recheckStage(world, c, recheck),
      });
  }
  if (approvable.length >= 2) {
    menu.push({
      name: `${approvable.map((c) => c.key).join("+")}: advances decided at once on one fund`,
      weight: 6,
      run: async () => {
        bump("concurrent decisions on one fund");
        const answers = await Promise.all(
          approvable.map((c) => decideAdvance(world, c, clients.approver, "/advance-decision", c.advance)),
        );
        return answers.sort().join(",");
      },
    });
  }
  if (county.bank.simulator.transfers().some((t) => t.status === "accepted")) {
    menu.push({
      name: "the bank settles",
      weight: 4,
      run: async () => {
        const summary = await county.bank.simulator.flush();
        bump("bank settlements");
        return `settled ${summary.settled}`;
      },
    });
  }
  const next = county.clock.nextDueMs();
  if (next !== undefined && next - county.clock.nowMs() < 400 * DAY_MS) {
    menu.push({
      name: "time passes to the next deadline",
      weight: unfiled || approvable.length > 0 ? 0.5 : 1.5,
      run: async () => {
        bump("clock jumps");
        await advanceClock(county, next);
        return "tick";
      },
    });
  }
  return menu;
}

async function fileCase(world: World, c: SimCase): Promise<string> {
  const { run, clients, instance } = world;
  const name = `模拟${String(instance).slice(-4)}${c.key}`;
  const id = residentId(instance * 4 + c.index);
  const registration = { countyCode: c.local ? run.countyId : "110101" };
  const bankAccount = { holderName: name, bankName: "农村信用社", account: c.account };
  const body =
    c.flow === "A"
      ? {
          townshipId: run.townshipId,
          hardship: { cause: c.cause },
          description: "突发事件致生活陷入困境，急需先行救助",
          applicant: { name, document: { type: "resident-id", number: id }, registration },
          bankAccount,
          onBehalf: { reason: "found-by-staff" },
        }
      : {
          townshipId: run.townshipId,
          hardship: { cause: "medical" },
          description: "家中主要劳动力患重病，长期住院治疗，医疗支出远超家庭承受能力",
          expectedDurationMonths: c.planMonths,
          estimatedTotalYuan: "3600.00",
          applicant: { name, document: { type: "resident-id", number: id }, registration },
          bankAccount,
        };
  const filed = await post<{ caseId: string }>(
    world,
    clients.officer,
    c.flow === "A" ? "/cases" : "/plans",
    body,
    `file-${c.key}`,
  );
  if (filed.status !== 201 && filed.status !== 200)
    throw new Error(`filing ${c.key}: ${filed.status} ${filed.text}`);
  c.caseId = filed.body.caseId;
  world.bump(c.flow === "A" ? "Flow A cases filed" : "Flow B cases filed");
  return answer(filed);
}

async function decideAdvance(
  world: World,
  c: SimCase,
  client: ApiClient,
  path: string,
  intent: string,
): Promise<string> {
  const body =
    intent === "reject"
      ? { decision: "reject", reason: "经核实不符合先行救助条件" }
      : { decision: "approve", amountYuan: c.advanceAmountYuan };
  const response = await post(world, client, `/cases/${c.caseId}${path}`, body, `advance-${c.key}`);
  if (response.status === 200) {
    c.decided.add("advance");
    world.bump(intent === "reject" ? "advances rejected" : "advances approved");
  }
  return answer(response);
}

async function repeatDecision(world: World, c: SimCase): Promise<string> {
  c.repeated = true;
  const sameKey = c.repeatDecision === "same-key";
  const body =
    sameKey === (c.advance !== "reject")
      ? { decision: "approve", amountYuan: c.advanceAmountYuan }
      : { decision: "reject", reason: "重复提交的审批意见" };
  const path = c.advance === "late" ? "/escalation-decision" : "/advance-decision";
  const client = c.advance === "late" ? world.clients.civil : world.clients.approver;
  const response = await post(
    world,
    client,
    `/cases/${c.caseId}${path}`,
    body,
    sameKey ? `advance-${c.key}` : `advance-again-${c.key}`,
  );
  world.bump(
    sameKey
      ? response.status === 200
        ? "repeated decisions answered with the recorded one"
        : "repeated decisions refused"
      : response.status === 409
        ? "contradicting decisions refused"
        : "contradicting decisions accepted",
  );
  return answer(response);
}

async function routePayment(world: World, c: SimCase): Promise<string> {
  const { clients, instance } = world;
  if (c.route === "cash") {
    const response = await post(
      world,
      clients.officer,
      `/cases/${c.caseId}/cash-payment`,
      {
        receiverName: `模拟${String(instance).slice(-4)}${c.key}`,
        receiverSignatureRef: `sig-receiver-${c.key}`,
        officerSignatureRef: `sig-officer-${c.key}`,
        reason: "银行账户无法入账，改为现金发放",
      },
      `cash-${c.key}-${c.reroutes}`,
    );
    if (response.status === 200) {
      world.bump("paid in cash");
      return answer(response);
    }
    // Cash is not allowed for this payment (ceiling, kind): the officer re-routes to a bank account.
    world.bump("cash refused, re-routed instead");
  }
  c.reroutes += 1;
  const name = `模拟${String(instance).slice(-4)}${c.key}`;
  const response = await post(
    world,
    clients.officer,
    `/cases/${c.caseId}/reroute`,
    {
      payee: {
        kind: "applicant",
        name,
        bankName: "农村信用社",
        bankAccount: accountOf(instance, c.index, c.reroutes),
      },
      reason: "原账户已销户，改为新账户",
    },
    `reroute-${c.key}-${c.reroutes}`,
  );
  if (response.status === 200) world.bump("payments re-routed");
  return answer(response);
}

async function topUp(world: World, c: SimCase, wait: "fund-replenishment" | "plan-funds"): Promise<string> {
  const { clients, run, scenario } = world;
  const key = `topup-${c.key}-${world.stats["fund top-ups"] ?? 0}`;
  const allocated = await post(
    world,
    clients.finance,
    "/allocations",
    { townshipId: run.townshipId, amountYuan: scenario.topUpYuan, reason: "备用金不足，追加拨付" },
    key,
  );
  world.bump("fund top-ups");
  const path =
    wait === "fund-replenishment"
      ? `/cases/${c.caseId}/fund-replenished`
      : `/plans/${c.caseId}/fund-replenished`;
  const resumed = await post(world, clients.finance, path, {}, `${key}-resume`);
  if (resumed.status === 200) world.bump("flows resumed after a top-up");
  return `${answer(allocated)}/${answer(resumed)}`;
}

async function paperworkOf(world: World, c: SimCase): Promise<string> {
  const { clients, run, county } = world;
  const visitedAt = new Date(county.clock.nowMs()).toISOString();
  const response = await post(
    world,
    clients.officer,
    `/cases/${c.caseId}/paperwork`,
    {
      investigators: [
        { userId: run.users.officer.userId, visitedAt },
        { userId: run.users.officer2.userId, visitedAt },
      ],
      economicCheck: { result: "eligible", reference: `HD-${c.key}` },
      facts: "入户核实：困难情况属实",
      goodFaithBasis: "现场照片及村委会证明，经办人据实先行救助",
    },
    `paperwork-${c.key}`,
  );
  if (response.status !== 202) return answer(response);
  // The second investigator confirms with their own sign-in (DOMAIN §3.4): only then is it filed.
  const confirmed = await post(
    world,
    clients.officer2,
    `/cases/${c.caseId}/paperwork/co-sign`,
    { decision: "confirm" },
    `co-sign-${c.key}`,
  );
  if (confirmed.status === 200) world.bump(c.paperworkLate ? "paperwork filed late" : "paperwork filed");
  return `${answer(response)}/${answer(confirmed)}`;
}

async function followUp(world: World, c: SimCase): Promise<string> {
  const { clients } = world;
  const intent = c.followUp;
  const body =
    intent === "close"
      ? { close: { summary: "先行救助已解决临时困难，结案" } }
      : intent === "referral"
        ? {
            referrals: [{ to: "dibao", receivingBody: "县民政局低保科", note: "家庭收入低于低保标准" }],
            close: { summary: "已转介低保，结案" },
          }
        : intent === "staged"
          ? { staged: { reason: "困难将持续数月，转分阶段救助" } }
          : { additionalAid: { amountYuan: c.additionalAidYuan, reason: "先行救助不足以渡过难关" } };
  const response = await post(
    world,
    clients.officer,
    `/cases/${c.caseId}/follow-up`,
    body,
    `follow-up-${c.key}`,
  );
  if (response.status === 200) world.bump(`follow-ups: ${intent}`);
  return answer(response);
}

async function decideAdditional(world: World, c: SimCase): Promise<string> {
  const approve = c.followUp === "additional-approve";
  const body = approve
    ? { decision: "approve", amountYuan: c.additionalAidYuan }
    : { decision: "reject", reason: "家庭困难已缓解，不再追加" };
  // The approval level follows the total (township / county): whoever may, decides.
  for (const client of [world.clients.approver, world.clients.civil]) {
    const response = await post(
      world,
      client,
      `/cases/${c.caseId}/additional-aid-decision`,
      body,
      `additional-${c.key}`,
    );
    if (response.status !== 403) {
      if (response.status === 200)
        world.bump(approve ? "additional aid approved" : "additional aid rejected");
      return answer(response);
    }
  }
  return "403 nobody may decide";
}

async function assess(world: World, c: SimCase): Promise<string> {
  const { clients, county } = world;
  const firstStage = new Date(county.clock.nowMs() + 10 * DAY_MS + 8 * HOUR_MS).toISOString().slice(0, 10);
  const response = await post(
    world,
    clients.officer,
    `/plans/${c.caseId}/assessment`,
    {
      household: {
        members: [
          { relation: "本人", age: 46 },
          { relation: "配偶", age: 44 },
        ],
      },
      monthlyIncomeYuan: "1800.00",
      rigidExpenditure: {
        medicalMonthlyYuan: "600.00",
        educationMonthlyYuan: "0.00",
        otherMonthlyYuan: "0.00",
      },
      expectedDurationMonths: c.planMonths,
      firstStageDate: firstStage,
      facts: "入户调查：本人患重病需长期治疗，配偶务农收入微薄",
    },
    `assess-${c.key}`,
  );
  if (response.status === 200) world.bump("plans assessed");
  return answer(response);
}

async function approvePlan(world: World, c: SimCase): Promise<string> {
  const body = c.planApproved
    ? { decision: "approve", reason: "公示无异议，同意" }
    : { decision: "reject", reason: "经复核不符合分阶段救助条件" };
  for (const client of [world.clients.approver, world.clients.civil]) {
    const response = await post(world, client, `/plans/${c.caseId}/approval`, body, `plan-approval-${c.key}`);
    if (response.status !== 403) {
      if (response.status === 200) world.bump(c.planApproved ? "plans approved" : "plans rejected");
      return answer(response);
    }
  }
  return "403 nobody may decide";
}

async function recheckStage(world: World, c: SimCase, task: Task): Promise<string> {
  const { clients, county } = world;
  const stage = Number(task.details?.stage ?? 0);
  const stop = c.stopAtStage === stage;
  const checkedOn = new Date(county.clock.nowMs() + 8 * HOUR_MS).toISOString().slice(0, 10);
  const response = await post(
    world,
    clients.officer,
    `/plans/${c.caseId}/recheck`,
    {
      stage,
      checkedOn,
      outcome: stop ? "covered-by-dibao" : "still-in-hardship",
      findings: stop
        ? `第${stage}期复核：已纳入低保，停止分阶段救助`
        : `第${stage}期复核：仍在治疗，困难未缓解`,
    },
    `recheck-${c.key}-${stage}`,
  );
  if (response.status === 200) world.bump(stop ? "plans stopped at a re-check" : "stages re-checked");
  return answer(response);
}

/** What the bank did with this run's transfers (its fates are fixed per account, scenario.ts). */
function countBankFates(world: World): void {
  for (const t of world.county.bank.simulator.transfers()) {
    if (t.request.payer.fund !== world.run.townshipId) continue;
    world.bump(`bank transfers ${t.status}`);
    if (t.plan.lost) world.bump("callbacks lost (AidFlow polled)");
    if (t.plan.duplicate && t.callback.state === "delivered") world.bump("callbacks delivered twice");
  }
}

function countFaults(county: SimCounty, bump: (key: string, by?: number) => void): number {
  for (const fault of county.faults.injected) bump(`DynamoDB faults: ${fault.kind}`);
  return county.faults.injected.length;
}

/** The broken payment step of `double-draw`: one paid obligation is drawn for again under a new id. */
async function drawTwice(world: World, trace: string[]): Promise<void> {
  const { county, run } = world;
  const payments = new PaymentStore({ client: county.doc, tableName: county.tables.main });
  for (const c of world.cases) {
    if (!c.caseId) continue;
    const obligation = await payments.getObligation(`${c.caseId}.advance`);
    if (obligation?.status !== "paid") continue;
    const writer = new LedgerWriter({ client: county.dynamo, tables: county.tables });
    await writer.submit({
      entryId: `retried-draw:${obligation.obligationId}`,
      fundId: run.townshipId,
      kind: "draw",
      drawKind: "advance",
      amountYuan: obligation.amountYuan,
      bookedAt: new Date(county.clock.nowMs()).toISOString(),
      reference: { caseId: c.caseId, obligationId: obligation.obligationId, flow: "A" },
    });
    trace.push(`test-only fault: ${c.key}'s paid advance drawn for again under a new entry id`);
    return;
  }
}

/**
 * Each execution a case has run, in both flows: a case runs as a chain `<caseId>-<generation>`
 * (functions/services/executions.ts), so the chain ends at the first generation that does not exist.
 */
async function* caseExecutions(
  world: World,
  caseId: string,
): AsyncGenerator<{ flow: string; name: string; executionArn: string; status: string }> {
  const layer = world.county.runtime.stepFunctions;
  for (const flow of ["flow-a", "flow-b"]) {
    const arn = world.county.runtime.stateMachines[flow];
    if (!arn) continue;
    for (let generation = 1; ; generation++) {
      const name = executionNameOf(caseId, generation);
      const executionArn = executionArnOf(arn, name);
      try {
        const { status } = await layer.describeExecution(executionArn);
        yield { flow, name, executionArn, status };
      } catch (error) {
        if ((error as { name?: string }).name !== "ExecutionDoesNotExist") throw error;
        break;
      }
    }
  }
}

/** For a failure report: each execution's states and failures, in order (from its history). */
async function executionStory(world: World): Promise<string[]> {
  const lines: string[] = [];
  for (const c of world.cases) {
    if (!c.caseId) continue;
    for await (const { name, executionArn } of caseExecutions(world, c.caseId)) {
      const { events } = await world.county.runtime.stepFunctions.getExecutionHistory({
        executionArn,
        maxResults: 1000,
      });
      const story = events
        .filter(
          (e) => e.type.endsWith("StateEntered") || e.type.endsWith("Failed") || e.type.endsWith("TimedOut"),
        )
        .map((e) =>
          e.type.endsWith("StateEntered")
            ? String((e.details as { name?: string } | undefined)?.name ?? "?")
            : `${e.type}(${JSON.stringify(e.details ?? {}).slice(0, 300)})`,
        );
      lines.push(`  ${c.key} ${name}: ${story.join(" → ")}`);
    }
  }
  return lines;
}

/**
 * The run is over: its executions are stopped so that no timer of theirs outlives it. Those still
 * moving or waiting are the ones this process runs (the layer's own list: no read per execution).
 */
async function stopRunExecutions(world: World): Promise<void> {
  const layer = world.county.runtime.stepFunctions;
  const caseIds = world.cases.flatMap((c) => (c.caseId ? [c.caseId] : []));
  for (const executionArn of layer.runningExecutions()) {
    const name = executionArn.slice(executionArn.lastIndexOf(":") + 1);
    if (!caseIds.some((caseId) => name === caseId || name.startsWith(`${caseId}-`))) continue;
    await layer.stopExecution({ executionArn, cause: "simulation run over" });
  }
  await world.county.quiet();
}
