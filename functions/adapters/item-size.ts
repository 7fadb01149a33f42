/**
 * What DynamoDB bills for an item: a write unit per started KB (`WRITE_UNIT_BYTES`), for the table and
 * again for each index copy; the size is each attribute's name plus its value — a string in UTF-8, a
 * binary by its bytes, a number ≈ its digits ÷ 2 + 1, a list or map 3 bytes plus 1 and the size of each
 * element (and, for a map, of each name), anything else 1. Stores that keep a large attribute deflated
 * when it would take the item past a write unit (audit events, idempotency answers) decide with this.
 * The ledger sizes its own low-level items (AttributeValue form) in ledger/items.ts by the same rules.
 */

export const WRITE_UNIT_BYTES = 1024;

/** The billed size of one attribute value as the document client writes it. */
export function valueBytes(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === "number") return Math.ceil(String(value).replace(/[-.]/g, "").length / 2) + 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + 1 + valueBytes(v), 3);
  if (value !== null && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).reduce(
      (n, [name, v]) => n + 1 + Buffer.byteLength(name, "utf8") + valueBytes(v),
      3,
    );
  }
  return 1;
}

/** The billed size of an item: each attribute's name plus its value. */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (n, [name, value]) => n + Buffer.byteLength(name, "utf8") + valueBytes(value),
    0,
  );
}
