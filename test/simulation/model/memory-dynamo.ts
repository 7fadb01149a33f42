/**
 * An in-memory DynamoDB served through the SDK's own request handler, for the bulk of the
 * simulation runs. The adapters keep their REAL `DynamoDBClient` (serialization, signing, the SDK's
 * retry strategy, the fault-injecting middleware of `test/support/faults.ts`); only the last hop —
 * HTTP to a database — is answered here, from maps, in microseconds instead of a JVM round trip.
 *
 * What it implements is what the ledger and payment adapters use, with DynamoDB's semantics:
 * GetItem, PutItem, UpdateItem, DeleteItem, Query (key condition, filter, index, limit, paging,
 * direction), BatchGetItem, TransactWriteItems (all-or-nothing, conditions, cancellation reasons
 * with ALL_OLD items, one action per item, ≤ 100 actions, ClientRequestToken idempotency) and the
 * condition/update expression language they use (comparisons, BETWEEN, IN, AND/OR/NOT, parentheses,
 * attribute_exists/not_exists, begins_with, SET with + and −, if_not_exists, list_append, REMOVE).
 * It is NOT DynamoDB: no item-size or throughput limits, no eventual consistency, no 1 MB pages —
 * which is why the same runs are also made, fewer, on DynamoDB Local.
 */
import { createHash } from "node:crypto";

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

interface HttpLikeRequest {
  headers: Record<string, string>;
  body?: unknown;
}

/** One error as the JSON 1.0 protocol returns it; the SDK turns `__type` into the exception class. */
class DynamoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const PREFIX = "com.amazonaws.dynamodb.v20120810#";

export class MemoryDynamo {
  private readonly tables = new Map<string, Map<string, Item>>();
  private readonly tokens = new Map<string, { digest: string; at: number }>();
  requests = 0;

  /** The `requestHandler` to give a `DynamoDBClient`. */
  readonly requestHandler = {
    handle: async (request: HttpLikeRequest) => ({ response: this.answer(request) }),
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  };

  private answer(request: HttpLikeRequest) {
    this.requests += 1;
    const target =
      (request.headers["x-amz-target"] ?? request.headers["X-Amz-Target"] ?? "").split(".")[1] ?? "";
    const body =
      typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
    let status = 200;
    let payload: unknown;
    try {
      payload = this.dispatch(target, JSON.parse(body || "{}") as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof DynamoError)) throw error;
      status = 400;
      payload = {
        __type: PREFIX + error.type,
        message: error.message,
        Message: error.message,
        ...error.extra,
      };
    }
    return {
      statusCode: status,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": String(this.requests) },
      body: new TextEncoder().encode(JSON.stringify(payload)),
    };
  }

  private dispatch(target: string, input: Record<string, unknown>): unknown {
    switch (target) {
      case "GetItem":
        return this.getItem(input);
      case "PutItem":
        return this.putItem(input);
      case "UpdateItem":
        return this.updateItem(input);
      case "DeleteItem":
        return this.deleteItem(input);
      case "Query":
        return this.query(input);
      case "BatchGetItem":
        return this.batchGet(input);
      case "TransactWriteItems":
        return this.transactWrite(input);
      default:
        throw new DynamoError(
          "UnknownOperationException",
          `the in-memory DynamoDB does not implement ${target}`,
        );
    }
  }

  // ── items ─────────────────────────────────────────────────────────────────────────────────────

  private table(name: unknown): Map<string, Item> {
    const key = String(name);
    let table = this.tables.get(key);
    if (!table) {
      table = new Map();
      this.tables.set(key, table);
    }
    return table;
  }

  private keyOf(key: Item): string {
    return `${scalar(key.pk)}\u0000${scalar(key.sk)}`;
  }

  private getItem(input: Record<string, unknown>) {
    const item = this.table(input.TableName).get(this.keyOf(input.Key as Item));
    return item ? { Item: clone(item) } : {};
  }

  private putItem(input: Record<string, unknown>) {
    const table = this.table(input.TableName);
    const item = input.Item as Item;
    const key = this.keyOf(item);
    const old = table.get(key);
    this.check(input, old);
    table.set(key, clone(item));
    return input.ReturnValues === "ALL_OLD" && old ? { Attributes: old } : {};
  }

  private updateItem(input: Record<string, unknown>) {
    const table = this.table(input.TableName);
    const keyItem = input.Key as Item;
    const key = this.keyOf(keyItem);
    const old = table.get(key);
    this.check(input, old);
    const next = applyUpdate(old ? clone(old) : clone(keyItem), input);
    table.set(key, next);
    if (input.ReturnValues === "ALL_NEW") return { Attributes: clone(next) };
    if (input.ReturnValues === "ALL_OLD" && old) return { Attributes: old };
    return {};
  }

  private deleteItem(input: Record<string, unknown>) {
    const table = this.table(input.TableName);
    const key = this.keyOf(input.Key as Item);
    const old = table.get(key);
    this.check(input, old);
    table.delete(key);
    return input.ReturnValues === "ALL_OLD" && old ? { Attributes: old } : {};
  }

  /** A single write's condition; on failure the old item comes back if asked for. */
  private check(input: Record<string, unknown>, old: Item | undefined): void {
    if (typeof input.ConditionExpression !== "string") return;
    if (evaluateCondition(input.ConditionExpression, old, input)) return;
    throw new DynamoError(
      "ConditionalCheckFailedException",
      "The conditional request failed",
      input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && old ? { Item: old } : {},
    );
  }

  private query(input: Record<string, unknown>) {
    const index = typeof input.IndexName === "string" ? input.IndexName : undefined;
    const pkName = index ? `${index}pk` : "pk";
    const skName = index ? `${index}sk` : "sk";
    const keyCondition = String(input.KeyConditionExpression ?? "");
    let items = [...this.table(input.TableName).values()].filter(
      (item) => item[pkName] !== undefined && evaluateCondition(keyCondition, item, input),
    );
    items.sort((a, b) => compareValues(a[skName], b[skName]));
    if (input.ScanIndexForward === false) items.reverse();
    const start = input.ExclusiveStartKey as Item | undefined;
    if (start) {
      const at = items.findIndex(
        (item) => this.keyOf(item) === this.keyOf(start) && scalar(item[skName]) === scalar(start[skName]),
      );
      items = at >= 0 ? items.slice(at + 1) : items;
    }
    const limit = typeof input.Limit === "number" ? input.Limit : undefined;
    const page = limit !== undefined ? items.slice(0, limit) : items;
    const more = limit !== undefined && items.length > limit;
    const filter = typeof input.FilterExpression === "string" ? input.FilterExpression : undefined;
    const kept = filter ? page.filter((item) => evaluateCondition(filter, item, input)) : page;
    const last = page.at(-1);
    return {
      Items: kept.map(clone),
      Count: kept.length,
      ScannedCount: page.length,
      ...(more && last
        ? {
            LastEvaluatedKey: {
              pk: last.pk,
              sk: last.sk,
              ...(index ? { [pkName]: last[pkName], [skName]: last[skName] } : {}),
            },
          }
        : {}),
    };
  }

  private batchGet(input: Record<string, unknown>) {
    const responses: Record<string, Item[]> = {};
    for (const [tableName, request] of Object.entries(
      input.RequestItems as Record<string, { Keys: Item[] }>,
    )) {
      if (request.Keys.length > 100) throw new DynamoError("ValidationException", "Too many items requested");
      const table = this.table(tableName);
      responses[tableName] = request.Keys.map((key) => table.get(this.keyOf(key)))
        .filter((item): item is Item => item !== undefined)
        .map(clone);
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }

  private transactWrite(input: Record<string, unknown>) {
    const actions = input.TransactItems as Record<string, Record<string, unknown>>[];
    if (actions.length > 100) {
      throw new DynamoError("ValidationException", "Member must have length less than or equal to 100");
    }
    const token = typeof input.ClientRequestToken === "string" ? input.ClientRequestToken : undefined;
    const digest = createHash("sha256").update(JSON.stringify(actions)).digest("hex");
    if (token) {
      const seen = this.tokens.get(token);
      if (seen && seen.digest === digest) return {};
      if (seen)
        throw new DynamoError(
          "IdempotentParameterMismatchException",
          "the token was used with another request",
        );
    }
    const touched = new Set<string>();
    const reasons: Record<string, unknown>[] = [];
    let cancelled = false;
    const planned: (() => void)[] = [];
    for (const action of actions) {
      const [kind, body] = Object.entries(action)[0] as [string, Record<string, unknown>];
      const table = this.table(body.TableName);
      const keyItem = (body.Key ?? body.Item) as Item;
      const key = `${String(body.TableName)}\u0001${this.keyOf(keyItem)}`;
      if (touched.has(key)) {
        throw new DynamoError(
          "ValidationException",
          "Transaction request cannot include multiple operations on one item",
        );
      }
      touched.add(key);
      const old = table.get(this.keyOf(keyItem));
      const ok =
        typeof body.ConditionExpression !== "string" ||
        evaluateCondition(body.ConditionExpression, old, body);
      if (!ok) {
        cancelled = true;
        reasons.push({
          Code: "ConditionalCheckFailed",
          Message: "The conditional request failed",
          ...(body.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && old ? { Item: old } : {}),
        });
        continue;
      }
      reasons.push({ Code: "None" });
      const itemKey = this.keyOf(keyItem);
      if (kind === "Put") planned.push(() => table.set(itemKey, clone(body.Item as Item)));
      else if (kind === "Update")
        planned.push(() => table.set(itemKey, applyUpdate(old ? clone(old) : clone(keyItem), body)));
      else if (kind === "Delete") planned.push(() => table.delete(itemKey));
    }
    if (cancelled) {
      throw new DynamoError(
        "TransactionCanceledException",
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
        { CancellationReasons: reasons },
      );
    }
    for (const apply of planned) apply();
    if (token) this.tokens.set(token, { digest, at: Date.now() });
    return {};
  }
}

// ── values ──────────────────────────────────────────────────────────────────────────────────────

function clone<T>(value: T): T {
  return structuredClone(value);
}

function scalar(value: AttributeValue | undefined): string {
  if (!value) return "";
  if ("S" in value) return `S:${String(value.S)}`;
  if ("N" in value) return `N:${String(value.N)}`;
  return JSON.stringify(value);
}

function compareValues(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if ("N" in a && "N" in b) return Math.sign(Number(a.N) - Number(b.N));
  if ("S" in a && "S" in b) {
    const x = String(a.S);
    const y = String(b.S);
    // DynamoDB orders strings by their UTF-8 bytes.
    return Buffer.compare(Buffer.from(x, "utf8"), Buffer.from(y, "utf8"));
  }
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if ("N" in a && "N" in b) return Number(a.N) === Number(b.N);
  return JSON.stringify(a) === JSON.stringify(b);
}

// ── expressions ─────────────────────────────────────────────────────────────────────────────────

type Token = { kind: "name" | "alias" | "value" | "op" | "word"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|(<>|<=|>=|[=<>(),+-])|([A-Za-z_][A-Za-z0-9_]*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match)
      throw new DynamoError("ValidationException", `cannot parse expression at "${text.slice(at)}"`);
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: "alias", text: match[1] });
    else if (match[2]) tokens.push({ kind: "value", text: match[2] });
    else if (match[3]) tokens.push({ kind: "op", text: match[3] });
    else if (match[4]) {
      const word = match[4].toUpperCase();
      const isWord = ["AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE"].includes(word);
      tokens.push({ kind: isWord ? "word" : "name", text: isWord ? word : match[4] });
    }
  }
  return tokens;
}

interface Context {
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly context: Context,
  ) {}

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private take(text?: string): Token {
    const token = this.tokens[this.at];
    if (!token || (text !== undefined && token.text !== text)) {
      throw new DynamoError("ValidationException", `expected ${text ?? "a token"} in expression`);
    }
    this.at += 1;
    return token;
  }

  /** condition := or */
  condition(item: Item | undefined): boolean {
    let result = this.conjunction(item);
    while (this.peek()?.text === "OR") {
      this.take("OR");
      const right = this.conjunction(item);
      result = result || right;
    }
    return result;
  }

  private conjunction(item: Item | undefined): boolean {
    let result = this.negation(item);
    while (this.peek()?.text === "AND") {
      this.take("AND");
      const right = this.negation(item);
      result = result && right;
    }
    return result;
  }

  private negation(item: Item | undefined): boolean {
    if (this.peek()?.text === "NOT") {
      this.take("NOT");
      return !this.negation(item);
    }
    return this.primary(item);
  }

  private primary(item: Item | undefined): boolean {
    const token = this.peek();
    if (token?.text === "(") {
      this.take("(");
      const inner = this.condition(item);
      this.take(")");
      return inner;
    }
    if (token?.kind === "name" && this.tokens[this.at + 1]?.text === "(") {
      const fn = this.take().text;
      this.take("(");
      const path = this.path();
      if (fn === "attribute_exists" || fn === "attribute_not_exists") {
        this.take(")");
        const exists = item?.[path] !== undefined;
        return fn === "attribute_exists" ? exists : !exists;
      }
      if (fn === "begins_with") {
        this.take(",");
        const prefix = this.operand(item);
        this.take(")");
        const value = item?.[path];
        return (
          value !== undefined &&
          "S" in value &&
          prefix !== undefined &&
          String(value.S).startsWith(String(prefix.S))
        );
      }
      throw new DynamoError("ValidationException", `unsupported function ${fn}`);
    }
    const left = this.operand(item);
    const op = this.take();
    if (op.text === "BETWEEN") {
      const low = this.operand(item);
      this.take("AND");
      const high = this.operand(item);
      return left !== undefined && compareValues(left, low) >= 0 && compareValues(left, high) <= 0;
    }
    if (op.text === "IN") {
      this.take("(");
      const options = [this.operand(item)];
      while (this.peek()?.text === ",") {
        this.take(",");
        options.push(this.operand(item));
      }
      this.take(")");
      return options.some((option) => sameValue(left, option));
    }
    const right = this.operand(item);
    if (left === undefined || right === undefined) return op.text === "<>" && left !== right;
    switch (op.text) {
      case "=":
        return sameValue(left, right);
      case "<>":
        return !sameValue(left, right);
      case "<":
        return compareValues(left, right) < 0;
      case "<=":
        return compareValues(left, right) <= 0;
      case ">":
        return compareValues(left, right) > 0;
      case ">=":
        return compareValues(left, right) >= 0;
      default:
        throw new DynamoError("ValidationException", `unsupported operator ${op.text}`);
    }
  }

  path(): string {
    const token = this.take();
    if (token.kind === "alias") {
      const name = this.context.names[token.text];
      if (name === undefined) throw new DynamoError("ValidationException", `undefined name ${token.text}`);
      return name;
    }
    if (token.kind !== "name")
      throw new DynamoError("ValidationException", `expected an attribute, got ${token.text}`);
    return token.text;
  }

  operand(item: Item | undefined): AttributeValue | undefined {
    const token = this.peek();
    if (token?.kind === "value") {
      this.take();
      const value = this.context.values[token.text];
      if (value === undefined) throw new DynamoError("ValidationException", `undefined value ${token.text}`);
      return value;
    }
    if (token?.kind === "name" && token.text === "list_append") {
      this.take();
      this.take("(");
      const first = this.operand(item);
      this.take(",");
      const second = this.operand(item);
      this.take(")");
      if (!Array.isArray(first?.L) || !Array.isArray(second?.L))
        throw new DynamoError("ValidationException", "list_append takes two lists");
      return { L: [...(first.L as unknown[]), ...(second.L as unknown[])] };
    }
    if (token?.kind === "name" && token.text === "if_not_exists") {
      this.take();
      this.take("(");
      const path = this.path();
      this.take(",");
      const fallback = this.operand(item);
      this.take(")");
      return item?.[path] ?? fallback;
    }
    return item?.[this.path()];
  }

  /** update := (SET assignment (, assignment)* | REMOVE path (, path)*)+ */
  update(item: Item): Item {
    while (!this.done()) {
      const clause = this.take().text;
      if (clause === "SET") {
        do {
          if (this.peek()?.text === ",") this.take(",");
          const path = this.path();
          this.take("=");
          let value = this.operand(item);
          const op = this.peek()?.text;
          if (op === "+" || op === "-") {
            this.take();
            const right = this.operand(item);
            const sum = Number(value?.N ?? 0) + (op === "+" ? 1 : -1) * Number(right?.N ?? 0);
            value = { N: String(sum) };
          }
          if (value === undefined) throw new DynamoError("ValidationException", `no value for ${path}`);
          item[path] = clone(value);
        } while (this.peek()?.text === ",");
      } else if (clause === "REMOVE") {
        do {
          if (this.peek()?.text === ",") this.take(",");
          delete item[this.path()];
        } while (this.peek()?.text === ",");
      } else {
        throw new DynamoError("ValidationException", `unsupported update clause ${clause}`);
      }
    }
    return item;
  }
}

function contextOf(input: Record<string, unknown>): Context {
  return {
    names: (input.ExpressionAttributeNames ?? {}) as Record<string, string>,
    values: (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>,
  };
}

function evaluateCondition(
  expression: string,
  item: Item | undefined,
  input: Record<string, unknown>,
): boolean {
  const parser = new Parser(tokenize(expression), contextOf(input));
  const result = parser.condition(item);
  if (!parser.done()) throw new DynamoError("ValidationException", `trailing tokens in "${expression}"`);
  return result;
}

function applyUpdate(item: Item, input: Record<string, unknown>): Item {
  const expression = input.UpdateExpression;
  if (typeof expression !== "string") return item;
  return new Parser(tokenize(expression), contextOf(input)).update(item);
}
