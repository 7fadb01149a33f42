/**
 * The simulator's own store: in memory, or a JSON-lines journal under a data directory (one line per
 * change of a transfer; on start the last line of each transfer wins) so a restarted simulator still
 * knows every instruction it accepted and never pays one twice.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FailureReason, InstructionRequest, TransferStatus } from "#adapters/payments/contract.ts";

export type CallbackState = "not-due" | "pending" | "delivered" | "lost" | "rejected";

export interface Transfer {
  instructionId: string;
  request: InstructionRequest;
  status: TransferStatus;
  /** Decided on arrival from the seeded stream of this instruction. */
  plan: {
    outcome: "confirmed" | "failed";
    reason?: FailureReason;
    delayMs: number;
    lost: boolean;
    duplicate: boolean;
  };
  /** Simulated time (ms) at which the transfer settles. */
  settleAtMs: number;
  receivedAt: string;
  settledAt?: string;
  bankReference?: string;
  reason?: FailureReason;
  callback: { state: CallbackState; deliveries: number; lastStatus?: number };
}

export interface TransferStore {
  get(instructionId: string): Transfer | undefined;
  put(transfer: Transfer): void;
  all(): Transfer[];
}

export class MemoryTransferStore implements TransferStore {
  protected readonly transfers = new Map<string, Transfer>();
  get(instructionId: string): Transfer | undefined {
    return this.transfers.get(instructionId);
  }
  put(transfer: Transfer): void {
    this.transfers.set(transfer.instructionId, structuredClone(transfer));
  }
  all(): Transfer[] {
    return [...this.transfers.values()];
  }
}

export class JsonLinesTransferStore extends MemoryTransferStore {
  private readonly file: string;

  constructor(dataDir: string) {
    super();
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, "transfers.jsonl");
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const transfer = JSON.parse(line) as Transfer;
        this.transfers.set(transfer.instructionId, transfer);
      }
    }
  }

  override put(transfer: Transfer): void {
    super.put(transfer);
    appendFileSync(this.file, `${JSON.stringify(transfer)}\n`);
  }
}
