/**
 * What identifies "this request" when a simulation decides whether to fault it: the keys it touches
 * (table, pk, sk), in a stable order. Shared by the model level (SDK middleware, test/simulation/
 * model/faults.ts) and the county level (the SDK request handler, county/dynamo-fault-injector.ts); both see
 * marshalled input (`{ S: "…" }`), the plain-string form is read as well.
 */
export function requestKeys(input: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, table: string | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, table);
      return;
    }
    if (value === null || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    const here = typeof record.TableName === "string" ? record.TableName : table;
    for (const [key, child] of Object.entries(record)) {
      if (key === "pk" || key === "sk" || key === ":pk") {
        const text = child && typeof child === "object" ? (child as { S?: unknown }).S : child;
        if (typeof text === "string") found.push(`${key}=${text}`);
      } else walk(child, here);
    }
    if (here && here !== table) found.push(`table=${here.replace(/^.*-(main|ledger)$/, "$1")}`);
  };
  walk(input, undefined);
  return found.sort();
}
