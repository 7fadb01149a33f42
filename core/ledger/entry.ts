/**
 * Ledger entries of a township reserve fund (DOMAIN §5): what each entry says, validated once at
 * the boundary. An entry is an instruction until the writer chains it; once chained it becomes a
 * `ChainedEntry` with its sequence, the hash of its predecessor and the fund's balances after it.
 */
import * as z from "zod";
import { ValidationError } from "../errors.ts";
import { Yuan } from "../money/yuan.ts";

export const ENTRY_KINDS = [
  "allocation",
  "draw",
  "commit",
  "release",
  "reversal",
  "recovery",
  "replenishment",
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** A draw pays out for flow A's advance or follow-up aid, or for one stage of a flow B plan (DOMAIN §3, §4). */
export const DRAW_KINDS = ["advance", "follow-up", "stage"] as const;
export type DrawKind = (typeof DRAW_KINDS)[number];

/** Bounded so an id always fits in a sort key and a log line. */
const ENTRY_ID = /^[A-Za-z0-9._:@#/-]{1,200}$/;
const FUND_ID = /^[A-Za-z0-9._:@-]{1,100}$/;

/**
 * What reconciliation (DOMAIN §6) matches a draw against: the case, the decision that approved it,
 * the payment that carried it, the flow and hardship type and local vs non-local for the statistics.
 */
export interface EntryReference {
  caseId?: string;
  decisionId?: string;
  obligationId?: string;
  paymentId?: string;
  flow?: "A" | "B";
  hardshipType?: string;
  residency?: "local" | "non-local";
  actor?: string;
  correlationId?: string;
}

/** Fixed order of the reference fields in the canonical encoding: never reorder, only append. */
export const REFERENCE_FIELDS = [
  "caseId",
  "decisionId",
  "obligationId",
  "paymentId",
  "flow",
  "hardshipType",
  "residency",
  "actor",
  "correlationId",
] as const satisfies readonly (keyof EntryReference)[];

export interface LedgerEntry {
  /** The idempotency id: an entry with this id is applied to its fund at most once, ever. */
  entryId: string;
  fundId: string;
  kind: EntryKind;
  /** Present exactly when `kind` is "draw". */
  drawKind?: DrawKind;
  amountYuan: Yuan;
  /** ISO instant in UTC with milliseconds (normalized), passed in by the caller: the core never reads a clock. */
  bookedAt: string;
  reference: EntryReference;
}

const text = z.string().min(1).max(200);

const referenceSchema = z
  .object({
    caseId: text.optional(),
    decisionId: text.optional(),
    obligationId: text.optional(),
    paymentId: text.optional(),
    flow: z.enum(["A", "B"]).optional(),
    hardshipType: text.optional(),
    residency: z.enum(["local", "non-local"]).optional(),
    actor: text.optional(),
    correlationId: text.optional(),
  })
  .strict();

export const ledgerEntrySchema = z
  .object({
    entryId: z.string().regex(ENTRY_ID, "letters, digits and . _ : @ # / - only, at most 200"),
    fundId: z.string().regex(FUND_ID, "letters, digits and . _ : @ - only, at most 100"),
    kind: z.enum(ENTRY_KINDS),
    drawKind: z.enum(DRAW_KINDS).optional(),
    amountYuan: z.union([z.string(), z.custom<Yuan>((value) => value instanceof Yuan, "must be a Yuan")]),
    bookedAt: z.iso.datetime({ offset: true }),
    reference: referenceSchema.default({}),
  })
  .strict();

export type LedgerEntryInput = z.input<typeof ledgerEntrySchema>;

/** Validates an entry; every problem becomes a field-level message (STYLE: zod at every boundary). */
export function parseLedgerEntry(input: unknown): LedgerEntry {
  const parsed = ledgerEntrySchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError("ledger entry is not valid", "账目分录格式不正确", {
      fields: parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        message: issue.message,
        messageZh: "字段格式不正确",
      })),
    });
  }
  const data = parsed.data;
  const amountYuan = data.amountYuan instanceof Yuan ? data.amountYuan : Yuan.parse(data.amountYuan);
  const fields = [];
  if (!amountYuan.isPositive()) {
    fields.push({ path: "amountYuan", message: "must be greater than zero", messageZh: "金额必须大于零" });
  }
  if ((data.kind === "draw") !== (data.drawKind !== undefined)) {
    fields.push({
      path: "drawKind",
      message: "required for a draw (advance, follow-up or stage) and only for a draw",
      messageZh: "支出分录须注明类型（先行、跟进或分阶段），其他分录不得注明",
    });
  }
  if (fields.length > 0) {
    throw new ValidationError("ledger entry is not valid", "账目分录格式不正确", { fields });
  }
  const reference: EntryReference = {};
  for (const field of REFERENCE_FIELDS) {
    const value = data.reference[field];
    if (value !== undefined) Object.assign(reference, { [field]: value });
  }
  return {
    entryId: data.entryId,
    fundId: data.fundId,
    kind: data.kind,
    ...(data.drawKind ? { drawKind: data.drawKind } : {}),
    amountYuan,
    bookedAt: normalizeInstant(data.bookedAt),
    reference,
  };
}

/** One spelling per instant, so instants compare as text (period close, streaming by period). */
export function normalizeInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${iso}`);
  return new Date(ms).toISOString();
}
