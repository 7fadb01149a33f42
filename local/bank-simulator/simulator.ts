/**
 * The bank simulator's behaviour, apart from HTTP (server.ts): accepts instructions idempotently by
 * instructionId (one transfer per id, ever), settles them after a simulated delay, and reports each
 * outcome by a signed callback — sometimes twice, sometimes never, as the knobs say.
 */
import { createHash } from "node:crypto";
import {
  type Callback,
  type FailureReason,
  type InstructionRequest,
  type InstructionStatus,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from "#adapters/payments/contract.ts";
import { sign } from "#adapters/payments/signature.ts";
import { Yuan } from "#core/money/index.ts";
import { applyKnobs, DEFAULT_KNOBS, type Knobs, type KnobsPatch } from "./knobs.ts";
import { type Random, streamFor, weightedPick } from "./rng.ts";
import { MemoryTransferStore, type Transfer, type TransferStore } from "./store.ts";

/** A bank gives up on a callback after this many failed deliveries (5xx or no answer). */
export const MAX_CALLBACK_DELIVERIES = 5;
/** Callbacks sent in parallel at most. */
const DELIVERY_CONCURRENCY = 8;
const CALLBACK_TIMEOUT_MS = 10_000;

export interface BankSimulatorOptions {
  callbackSecret: string;
  seed?: number;
  knobs?: KnobsPatch;
  store?: TransferStore;
  /** Wall clock for timestamps and signatures; defaults to Date.now. */
  wallClockMs?: () => number;
  fetch?: typeof fetch;
}

export interface DeliverySummary {
  settled: number;
  callbacksDelivered: number;
  duplicatesDelivered: number;
  callbacksLost: number;
  deliveryFailures: number;
}

export interface SimulatorStats {
  instructions: number;
  accepted: number;
  confirmed: number;
  failed: number;
  cancelled: number;
  confirmedAmountYuan: string;
  /** Instructions received again with the same id (answered from the store, never re-paid). */
  repeatedInstructions: number;
  conflictingInstructions: number;
  callbacksDelivered: number;
  duplicatesDelivered: number;
  callbacksLost: number;
  deliveryFailures: number;
  failuresByReason: Partial<Record<FailureReason, number>>;
}

export type ReceiveResult =
  | { kind: "created" | "repeated"; status: InstructionStatus }
  | { kind: "conflict"; status: InstructionStatus };

export class BankSimulator {
  private knobsNow: Knobs;
  private readonly seed: number;
  private readonly store: TransferStore;
  private readonly wallClock: () => number;
  private readonly fetchImpl: typeof fetch;
  /** Simulated time advanced by hand (manual clock). */
  private manualElapsedMs = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Callbacks being posted right now: a concurrent flush must not post them a second time. */
  private readonly delivering = new Set<string>();
  private readonly counters = {
    repeatedInstructions: 0,
    conflictingInstructions: 0,
    callbacksDelivered: 0,
    duplicatesDelivered: 0,
    callbacksLost: 0,
    deliveryFailures: 0,
  };

  constructor(private readonly options: BankSimulatorOptions) {
    this.knobsNow = applyKnobs(DEFAULT_KNOBS, options.knobs ?? {});
    this.seed = options.seed ?? 1;
    this.store = options.store ?? new MemoryTransferStore();
    this.wallClock = options.wallClockMs ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
    // A restarted simulator resumes what was pending in its journal.
    for (const transfer of this.store.all()) {
      if (transfer.status === "accepted") this.schedule(transfer);
    }
  }

  get knobs(): Knobs {
    return this.knobsNow;
  }

  setKnobs(patch: KnobsPatch): Knobs {
    const wasManual = this.isManual();
    this.knobsNow = applyKnobs(this.knobsNow, patch);
    if (wasManual && !this.isManual()) {
      for (const transfer of this.store.all()) if (transfer.status === "accepted") this.schedule(transfer);
    }
    return this.knobsNow;
  }

  private isManual(): boolean {
    return this.knobsNow.delayScale === 0;
  }

  /** POST /v1/instructions. The same id with the same content answers the stored transfer. */
  receive(request: InstructionRequest): ReceiveResult {
    const existing = this.store.get(request.instructionId);
    if (existing) {
      if (fingerprint(existing.request) !== fingerprint(request)) {
        this.counters.conflictingInstructions += 1;
        return { kind: "conflict", status: toStatus(existing) };
      }
      this.counters.repeatedInstructions += 1;
      return { kind: "repeated", status: toStatus(existing) };
    }
    const random = streamFor(this.seed, request.instructionId);
    const transfer: Transfer = {
      instructionId: request.instructionId,
      request,
      status: "accepted",
      plan: this.plan(request, random),
      settleAtMs: 0,
      receivedAt: new Date(this.wallClock()).toISOString(),
      callback: { state: "not-due", deliveries: 0 },
    };
    transfer.settleAtMs = this.manualElapsedMs + transfer.plan.delayMs;
    this.store.put(transfer);
    this.schedule(transfer);
    return { kind: "created", status: toStatus(transfer) };
  }

  status(instructionId: string): InstructionStatus | undefined {
    const transfer = this.store.get(instructionId);
    return transfer ? toStatus(transfer) : undefined;
  }

  /** Cancels a transfer not yet settled; a settled one stays as it is (`cancelled: false`). */
  cancel(instructionId: string): { cancelled: boolean; status: InstructionStatus } | undefined {
    const transfer = this.store.get(instructionId);
    if (!transfer) return undefined;
    if (transfer.status !== "accepted") return { cancelled: false, status: toStatus(transfer) };
    clearTimeout(this.timers.get(instructionId));
    this.timers.delete(instructionId);
    transfer.status = "cancelled";
    transfer.settledAt = new Date(this.wallClock()).toISOString();
    this.store.put(transfer);
    return { cancelled: true, status: toStatus(transfer) };
  }

  /** Manual clock: moves simulated time on and settles (and reports) what fell due. */
  async advance(ms: number): Promise<DeliverySummary> {
    this.manualElapsedMs += ms;
    const due = this.store
      .all()
      .filter((t) => t.status === "accepted" && t.settleAtMs <= this.manualElapsedMs)
      .sort((a, b) => a.settleAtMs - b.settleAtMs);
    for (const transfer of due) this.settle(transfer);
    return this.summary(due);
  }

  private async summary(due: Transfer[]): Promise<DeliverySummary> {
    const delivered = await this.deliverPending();
    return { ...delivered, settled: due.length, callbacksLost: due.filter((t) => t.plan.lost).length };
  }

  /** Settles everything still pending, delivers every due callback and waits for all of it. */
  async flush(): Promise<DeliverySummary> {
    const due = this.store
      .all()
      .filter((t) => t.status === "accepted")
      .sort((a, b) => a.settleAtMs - b.settleAtMs);
    for (const transfer of due) this.settle(transfer);
    await this.idle();
    return this.summary(due);
  }

  /** Waits until no scheduled delivery is running (scaled clock). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stats(): SimulatorStats {
    const all = this.store.all();
    const count = (s: Transfer["status"]) => all.filter((t) => t.status === s).length;
    const failuresByReason: Partial<Record<FailureReason, number>> = {};
    for (const t of all) if (t.reason) failuresByReason[t.reason] = (failuresByReason[t.reason] ?? 0) + 1;
    return {
      instructions: all.length,
      accepted: count("accepted"),
      confirmed: count("confirmed"),
      failed: count("failed"),
      cancelled: count("cancelled"),
      confirmedAmountYuan: Yuan.sum(
        all.filter((t) => t.status === "confirmed").map((t) => Yuan.parse(t.request.amountYuan)),
      ).toString(),
      ...this.counters,
      failuresByReason,
    };
  }

  transfers(): Transfer[] {
    return this.store.all();
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────

  private plan(request: InstructionRequest, random: Random): Transfer["plan"] {
    const k = this.knobsNow;
    // Draw every number whatever the branch, so one knob never shifts the others' outcomes.
    const failDraw = random();
    const reasonDraw = random();
    const delayMs = k.minDelayMs + Math.floor(random() * (k.maxDelayMs - k.minDelayMs + 1));
    const account = request.payee.bankAccount;
    const lost = random() < k.lostCallbackRate || k.lostCallbackAccounts.includes(account);
    const duplicate = random() < k.duplicateCallbackRate || k.duplicateCallbackAccounts.includes(account);
    const holder = k.accountHolders[account];
    let reason: FailureReason | undefined;
    if (k.closedAccounts.includes(account)) reason = "account-closed";
    else if (holder !== undefined && holder !== request.payee.name) reason = "name-mismatch";
    else if (
      k.perTransferLimitYuan !== undefined &&
      Yuan.parse(request.amountYuan).greaterThan(Yuan.parse(k.perTransferLimitYuan))
    ) {
      reason = "limit-exceeded";
    } else if (failDraw < k.failureRate) reason = weightedPick(() => reasonDraw, k.failureReasons);
    return {
      outcome: reason ? "failed" : "confirmed",
      ...(reason ? { reason } : {}),
      delayMs,
      lost,
      duplicate,
    };
  }

  private schedule(transfer: Transfer): void {
    if (this.isManual() || this.timers.has(transfer.instructionId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(transfer.instructionId);
      const current = this.store.get(transfer.instructionId);
      if (current?.status !== "accepted") return;
      this.settle(current);
      this.track(this.deliverPending());
    }, transfer.plan.delayMs * this.knobsNow.delayScale);
    timer.unref();
    this.timers.set(transfer.instructionId, timer);
  }

  private settle(transfer: Transfer): void {
    clearTimeout(this.timers.get(transfer.instructionId));
    this.timers.delete(transfer.instructionId);
    transfer.status = transfer.plan.outcome;
    if (transfer.plan.reason) transfer.reason = transfer.plan.reason;
    transfer.bankReference = bankReferenceFor(this.seed, transfer.instructionId);
    transfer.settledAt = new Date(this.wallClock()).toISOString();
    transfer.callback = { state: transfer.plan.lost ? "lost" : "pending", deliveries: 0 };
    if (transfer.plan.lost) this.counters.callbacksLost += 1;
    this.store.put(transfer);
  }

  private track<T>(promise: Promise<T>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async deliverPending(): Promise<Omit<DeliverySummary, "settled" | "callbacksLost">> {
    const pending = this.store
      .all()
      .filter((t) => t.callback.state === "pending" && !this.delivering.has(t.instructionId));
    for (const t of pending) this.delivering.add(t.instructionId);
    const before = { ...this.counters };
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const transfer = pending[next++] as Transfer;
        try {
          await this.deliver(transfer);
        } finally {
          this.delivering.delete(transfer.instructionId);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, pending.length) }, worker));
    return {
      callbacksDelivered: this.counters.callbacksDelivered - before.callbacksDelivered,
      duplicatesDelivered: this.counters.duplicatesDelivered - before.duplicatesDelivered,
      deliveryFailures: this.counters.deliveryFailures - before.deliveryFailures,
    };
  }

  private async deliver(transfer: Transfer): Promise<void> {
    const callback: Callback = {
      eventId: `EV-${transfer.bankReference}`,
      instructionId: transfer.instructionId,
      outcome: transfer.status === "confirmed" ? "confirmed" : "failed",
      amountYuan: transfer.request.amountYuan,
      bankReference: transfer.bankReference as string,
      ...(transfer.reason ? { reason: transfer.reason } : {}),
      occurredAt: transfer.settledAt as string,
    };
    const first = await this.post(transfer.request.callbackUrl, callback);
    transfer.callback.deliveries += 1;
    transfer.callback.lastStatus = first;
    if (first >= 200 && first < 300) {
      transfer.callback.state = "delivered";
      this.counters.callbacksDelivered += 1;
      if (transfer.plan.duplicate) {
        const again = await this.post(transfer.request.callbackUrl, callback);
        if (again >= 200 && again < 300) this.counters.duplicatesDelivered += 1;
      }
    } else {
      this.counters.deliveryFailures += 1;
      // 4xx: AidFlow refused it (bad signature, unknown instruction) — a bank does not insist.
      const giveUp = (first >= 400 && first < 500) || transfer.callback.deliveries >= MAX_CALLBACK_DELIVERIES;
      if (giveUp) transfer.callback.state = "rejected";
    }
    this.store.put(transfer);
  }

  /** Returns the HTTP status, or 0 when there was no answer. */
  private async post(url: string, callback: Callback): Promise<number> {
    const body = JSON.stringify(callback);
    const signed = sign(this.options.callbackSecret, {
      method: "POST",
      path: new URL(url).pathname,
      body,
      nowMs: this.wallClock(),
    });
    try {
      const response = await this.fetchImpl(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [TIMESTAMP_HEADER]: signed.timestamp,
          [SIGNATURE_HEADER]: signed.signature,
        },
        body,
        signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}

function toStatus(transfer: Transfer): InstructionStatus {
  return {
    instructionId: transfer.instructionId,
    status: transfer.status,
    amountYuan: transfer.request.amountYuan,
    ...(transfer.bankReference ? { bankReference: transfer.bankReference } : {}),
    ...(transfer.reason ? { reason: transfer.reason } : {}),
    receivedAt: transfer.receivedAt,
    ...(transfer.settledAt ? { settledAt: transfer.settledAt } : {}),
  };
}

/** What makes two instructions "the same": the money, the payee and the payer — not the callback URL. */
function fingerprint(request: InstructionRequest): string {
  return JSON.stringify([
    request.amountYuan,
    request.payee.bankAccount,
    request.payee.name,
    request.payer.township,
    request.payer.fund,
    request.reference,
  ]);
}

function bankReferenceFor(seed: number, instructionId: string): string {
  return `SIM${createHash("sha256").update(`${seed}\nref\n${instructionId}`).digest("hex").slice(0, 16).toUpperCase()}`;
}
