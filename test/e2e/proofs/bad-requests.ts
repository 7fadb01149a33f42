/**
 * Generated bad requests for one route (fast-check): bodies derived from the route's zod schema and
 * broken one field at a time (wrong types, missing and extra fields, huge strings, bad unicode,
 * negative / float / exponent amounts), whole bodies of the wrong kind, malformed JSON, wrong content
 * types, malformed `Idempotency-Key` headers and path parameters with odd characters. Every request
 * carries at least one defect the API must refuse — `defects` says which — so a 2xx is a finding.
 */
import fc from "fast-check";
import type { z } from "zod";
import { IDEMPOTENCY_KEY_PATTERN } from "#adapters/idempotency-store.ts";
import { MAX_JSON_BODY_BYTES } from "#functions/http/index.ts";
import { nearValid } from "./zod-arbitrary.ts";

export interface FuzzTarget {
  routeKey: string;
  method: string;
  path: string;
  paramNames: string[];
  /** A path parameter value that exists (a fixture), per name. */
  validParams: Record<string, string>;
  params?: z.ZodType;
  body?: z.ZodType;
  /** Not an httpHandler route (own protocol, e.g. the signed bank callback): any request here is unsigned. */
  ownProtocol: boolean;
}

export interface BadRequest {
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  /** What is wrong with it (at least one). */
  defects: string[];
  /** Short description for reports. */
  sample: string;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

const ODD_PARAMS = [
  "..",
  ".",
  "%2e%2e",
  "a%2Fb",
  "%E0%A4%A",
  "%",
  "%00",
  "%0A",
  "%20",
  "%F0%9F%92%A9",
  "%E5%BC%A0%E4%B8%89",
  "%3Cscript%3E",
  "'%20OR%201%3D1",
  "%7B%7D",
  "%ED%A0%80",
  "-",
  "_",
  "x".repeat(65),
  "9".repeat(300),
];

const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff",
  "a\ud83dz",
  "\u202e\u0644\u0627",
  "\u200b\u200b",
  "\ufeff",
  "Z\u0351\u0353\u0354\u0355",
  "💩".repeat(50),
  "<script>alert(1)</script>",
  "{{7*7}}",
  "'; DROP TABLE cases; --",
  "__proto__",
  "\\u0000",
  "\r\n",
];

const ODD_AMOUNTS: unknown[] = [
  "-1",
  "-0.01",
  "0",
  "0.001",
  "1e3",
  "1E+3",
  "1.5e2",
  "NaN",
  "Infinity",
  "-Infinity",
  "１００",
  " 100 ",
  "100.000",
  "0x10",
  "1,000.00",
  "¥800",
  "99999999999999999999999999.99",
  -1,
  -0.01,
  0.1,
  1e21,
  1.7976931348623157e308,
  -0,
  800.5,
  12.345,
];

const BAD_KEYS = ["a b", "x".repeat(129), "key/1", "<k>", "k;1", "é", "k,1", "k\u00ff", "%", "{}", "'k'"];

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "image/png",
  "application/octet-stream",
  "application/jsonx",
  "json",
];

const MALFORMED_JSON = [
  "{",
  "}",
  "{not json",
  "{'a': 1}",
  '{"a": 1,}',
  '{"a": NaN}',
  '{"a": undefined}',
  "[1, 2",
  '{"a": "unterminated}',
  "\ufeff{}",
  "/* c */ {}",
  '{"a":1}{"b":2}',
  "nul",
  "tru",
  '"\\x41"',
  '{"a": 01}',
];

/** Every path into a JSON value: [] is the value itself. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pathsOf(item, [...prefix, i], out);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  }
  return out;
}

type Mutation = (current: unknown) => unknown;
const DELETE = Symbol("delete");

function mutateAt(value: unknown, path: Array<string | number>, mutation: Mutation): unknown {
  if (path.length === 0) return mutation(value);
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = mutateAt(copy[head as number], rest, mutation);
    if (next === DELETE) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const next = mutateAt(copy[head as string], rest, mutation);
    if (next === DELETE) delete copy[head as string];
    else copy[head as string] = next;
    return copy;
  }
  return value;
}

const wrongType = fc.constantFrom<unknown>(
  null,
  true,
  0,
  -1,
  1.5,
  "text",
  [],
  [1, 2],
  {},
  { nested: { deep: [] } },
);

/** Huge values are rare (their code path is one size check) so the run stays fast; the rest is common. */
const mutationArb: fc.Arbitrary<{ name: string; apply: Mutation }> = fc.oneof(
  { weight: 6, arbitrary: wrongType.map((v) => ({ name: "wrong type", apply: () => v })) },
  { weight: 5, arbitrary: fc.constant({ name: "missing field", apply: () => DELETE as unknown }) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom("extra", "__proto__", "constructor", "isAdmin", "handledBy", "amountYuan"),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map(([key, v]) => ({
        name: "extra field",
        apply: (current: unknown) =>
          current && typeof current === "object" && !Array.isArray(current)
            ? { ...(current as object), [key]: v }
            : { [key]: v },
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2_000, max: 100_000 })
      .map((n) => ({ name: "huge string", apply: () => "长".repeat(n) })),
  },
  {
    weight: 5,
    arbitrary: fc.constantFrom(...ODD_STRINGS).map((s) => ({ name: "odd unicode", apply: () => s })),
  },
  {
    weight: 6,
    arbitrary: fc.constantFrom(...ODD_AMOUNTS).map((a) => ({ name: "odd amount", apply: () => a })),
  },
);

const bodyValueArb = (schema: z.ZodType | undefined): fc.Arbitrary<{ value: unknown; how: string }> => {
  const base = schema ? nearValid(schema) : fc.jsonValue({ maxDepth: 2 });
  const mutated = fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), mutationArb), { minLength: 1, maxLength: 3 }))
    .map(([value, steps]) => {
      let current = value;
      const names: string[] = [];
      for (const [pick, mutation] of steps) {
        const paths = pathsOf(current);
        const path = paths[pick % paths.length] ?? [];
        const next = mutateAt(current, path, mutation.apply);
        current = next === DELETE ? {} : next;
        names.push(`${mutation.name} at ${path.join(".") || "(root)"}`);
      }
      return { value: current, how: names.join(", ") };
    });
  const whole = fc
    .oneof(
      fc.constantFrom<unknown>(null, 0, "", "body", true, [], [{}]),
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 4 }),
    )
    .map((value) => ({ value, how: "whole body of another kind" }));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: whole },
    { weight: 1, arbitrary: base.map((value) => ({ value, how: "shaped like the schema" })) },
  );
};

type RawBody = { text: string | Uint8Array | undefined; how: string };

const rawBodyArb = (schema: z.ZodType | undefined): fc.Arbitrary<RawBody> =>
  fc.oneof(
    {
      weight: 40,
      arbitrary: bodyValueArb(schema).map(({ value, how }) => ({ text: JSON.stringify(value), how })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text) => ({ text, how: "malformed JSON" })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 64 }).map((kb) => ({
        text: JSON.stringify({ padding: "x".repeat(MAX_JSON_BODY_BYTES + kb * 1024) }),
        how: "body over the size limit",
      })),
    },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 500, max: 20_000 }).map((depth) => ({
        text: `${"[".repeat(depth)}${"]".repeat(depth)}`,
        how: `nesting ${depth} deep`,
      })),
    },
    {
      weight: 3,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({
        text: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, ...bytes, 0xff, 0xfe, 0x22, 0x7d]),
        how: "invalid UTF-8 bytes",
      })),
    },
    { weight: 2, arbitrary: fc.constant<RawBody>({ text: undefined, how: "no body" }) },
  );

function bodyDefect(target: FuzzTarget, text: string | Uint8Array | undefined): string | undefined {
  if (target.ownProtocol) return undefined;
  const decoded =
    text === undefined ? undefined : typeof text === "string" ? text : Buffer.from(text).toString("utf8");
  if (decoded !== undefined && Buffer.byteLength(decoded) > MAX_JSON_BODY_BYTES) return "body too large";
  let parsed: unknown;
  if (decoded !== undefined && decoded !== "") {
    try {
      parsed = JSON.parse(decoded);
    } catch {
      return "malformed JSON";
    }
  }
  if (target.body && !target.body.safeParse(parsed).success) return "body fails schema";
  return undefined;
}

export function badRequestArb(target: FuzzTarget): fc.Arbitrary<BadRequest> {
  const paramArb = fc.record(
    Object.fromEntries(
      target.paramNames.map((name) => [
        name,
        fc.oneof(
          {
            weight: 6,
            arbitrary: fc.constant({ raw: encodeURIComponent(target.validParams[name] ?? "x"), odd: false }),
          },
          { weight: 2, arbitrary: fc.constantFrom(...ODD_PARAMS).map((raw) => ({ raw, odd: true })) },
          {
            weight: 1,
            arbitrary: fc
              .string({ unit: "grapheme", minLength: 1, maxLength: 80 })
              .map((s) => ({ raw: encodeURIComponent(s), odd: s !== target.validParams[name] })),
          },
        ),
      ]),
    ) as Record<string, fc.Arbitrary<{ raw: string; odd: boolean }>>,
  );
  const contentTypeArb = fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | undefined>("application/json") },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 3, arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES) },
  );
  const keyArb = fc.oneof(
    { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 3, arbitrary: fc.uuid().map((k): string | undefined => k) },
    { weight: 3, arbitrary: fc.constantFrom<string | undefined>(...BAD_KEYS) },
  );
  return fc
    .record({ params: paramArb, body: rawBodyArb(target.body), contentType: contentTypeArb, key: keyArb })
    .map(({ params, body, contentType, key }) => {
      const defects: string[] = [];
      const path = target.path.replace(
        /\{([A-Za-z0-9_]+)\+?\}/g,
        (_m, name: string) => params[name]?.raw ?? "",
      );
      const oddParams = Object.entries(params).filter(([name, p]) => {
        if (!p.odd) return false;
        let decoded: string;
        try {
          decoded = decodeURIComponent(p.raw);
        } catch {
          return true;
        }
        return decoded !== target.validParams[name];
      });
      if (oddParams.length > 0) defects.push(`path parameter ${oddParams.map(([n]) => n).join(",")}`);
      const headers: Record<string, string> = {};
      if (contentType !== undefined) headers["content-type"] = contentType;
      if (body.text !== undefined && contentType !== undefined && !JSON_TYPE.test(contentType)) {
        defects.push("content type");
      }
      if (key !== undefined) {
        headers["idempotency-key"] = key;
        if (target.method === "POST" && !IDEMPOTENCY_KEY_PATTERN.test(key)) defects.push("idempotency key");
      }
      const problem = bodyDefect(target, body.text);
      if (problem) defects.push(problem);
      if (target.ownProtocol) defects.push("unsigned");
      const sampleBody =
        body.text === undefined
          ? "(none)"
          : typeof body.text === "string"
            ? body.text.slice(0, 160)
            : `${body.text.length} bytes`;
      return {
        path,
        headers,
        body: body.text,
        defects,
        sample: `${target.method} ${path.slice(0, 120)} ct=${contentType ?? "-"} key=${(key ?? "-").slice(0, 20)} body[${body.how}]=${sampleBody}`,
      };
    })
    .filter((request) => request.defects.length > 0);
}
