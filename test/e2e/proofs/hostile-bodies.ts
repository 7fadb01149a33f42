/**
 * Bodies a hostile or careless client sends, for the authenticated fuzz: nesting 1,000–10,000 deep
 * (arrays, objects, both, alone or inside a body of the route's shape), bodies over the size limit,
 * unicode junk (NUL, bidi controls, lone surrogates, any code point) in every string of a body of the
 * route's shape, and empty or over-long `Idempotency-Key`s. Every request must be refused: a sample
 * whose body the route's schema would accept is left out, so a 2xx is a finding.
 */
import fc from "fast-check";
import { MAX_JSON_BODY_BYTES } from "#functions/http/index.ts";
import type { BadRequest, FuzzTarget } from "./bad-requests.ts";
import { nearValid } from "./zod-arbitrary.ts";

const DEEP_MARK = "@@deep@@";

type Shape = "array" | "object" | "mixed";

/** `depth` levels of arrays, objects or both, as text (never built as a value: that is the point). */
export function deepText(shape: Shape, depth: number): string {
  if (shape === "array") return `${"[".repeat(depth)}${"]".repeat(depth)}`;
  if (shape === "object") return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  const half = Math.ceil(depth / 2);
  return `${'{"a":['.repeat(half)}1${"]}".repeat(half)}`;
}

const JUNK_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\u202e\u0644\u0627.pdf",
  "\u2066\u2069",
  "\u200f\u061c",
  "\ud800",
  "\udfff\ud800",
  "a\ud83dz",
  "\ufeff\ufffe\uffff",
  "\u0085\u009b",
  "\r\n\t\u000b",
  "Z\u0351\u0353\u0354\u0355".repeat(40),
  "💩".repeat(300),
];

const junkString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...JUNK_STRINGS),
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
  fc
    .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 })
    .map((units) => String.fromCharCode(...units)),
);

/** Every string of `value` replaced by junk (keys too, sometimes). */
function withJunk(value: unknown, junk: () => string, junkKeys: boolean): unknown {
  if (typeof value === "string") return junk();
  if (Array.isArray(value)) return value.map((item) => withJunk(item, junk, junkKeys));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [junkKeys ? junk() : key, withJunk(item, junk, junkKeys)]),
    );
  }
  return value;
}

function shapedArb(target: FuzzTarget): fc.Arbitrary<unknown> {
  return target.body ? nearValid(target.body) : fc.constant({});
}

function schemaRefuses(target: FuzzTarget, text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return true;
  }
  return target.body ? !target.body.safeParse(parsed).success : false;
}

interface Hostile {
  text: string;
  how: string;
  /** Why the API must refuse it; undefined when nothing does (the sample is then left out). */
  defect: string | undefined;
  key?: string;
}

function deepArb(target: FuzzTarget): fc.Arbitrary<Hostile> {
  return fc
    .record({
      depth: fc.integer({ min: 1_000, max: 10_000 }),
      shape: fc.constantFrom<Shape>("array", "object", "mixed"),
      inside: fc.boolean(),
      shaped: shapedArb(target),
    })
    .map(({ depth, shape, inside, shaped }) => {
      const deep = deepText(shape, depth);
      let text = deep;
      if (inside && shaped && typeof shaped === "object" && !Array.isArray(shaped)) {
        const keys = Object.keys(shaped);
        const key = keys[depth % Math.max(keys.length, 1)] ?? "extra";
        text = JSON.stringify({ ...shaped, [key]: DEEP_MARK }).replace(`"${DEEP_MARK}"`, deep);
      }
      return {
        text,
        how: `${shape} nesting ${depth} deep${inside ? " inside the body" : ""}`,
        defect: "nesting",
      };
    });
}

function oversizeArb(target: FuzzTarget): fc.Arbitrary<Hostile> {
  return fc
    .record({ extraKb: fc.integer({ min: 1, max: 8 }), shaped: shapedArb(target) })
    .map(({ extraKb, shaped }) => {
      const base = shaped && typeof shaped === "object" && !Array.isArray(shaped) ? shaped : {};
      // 长 is three bytes in UTF-8: the text passes the byte limit while its length stays under it.
      const padding = "长".repeat(Math.ceil(MAX_JSON_BODY_BYTES / 3) + extraKb * 1024);
      return {
        text: JSON.stringify({ ...base, note: padding }),
        how: "body over the size limit",
        defect: "size",
      };
    });
}

function junkArb(target: FuzzTarget): fc.Arbitrary<Hostile> {
  return fc
    .record({
      shaped: shapedArb(target),
      junk: fc.array(junkString, { minLength: 8, maxLength: 8 }),
      junkKeys: fc.boolean(),
    })
    .map(({ shaped, junk, junkKeys }) => {
      let i = 0;
      const next = () => junk[i++ % junk.length] ?? "\u0000";
      const text = JSON.stringify(withJunk(shaped, next, junkKeys));
      return {
        text,
        how: `unicode junk in every string${junkKeys ? " and key" : ""}`,
        defect: schemaRefuses(target, text) ? "junk" : undefined,
      };
    });
}

function badKeyArb(target: FuzzTarget): fc.Arbitrary<Hostile> {
  return fc
    .record({ key: fc.constantFrom("", "k".repeat(129), "k".repeat(4096)), shaped: shapedArb(target) })
    .map(({ key, shaped }) => ({
      text: JSON.stringify(shaped),
      how: `Idempotency-Key of ${key.length} characters`,
      defect: "idempotency key",
      key,
    }));
}

/** One hostile request for `target`, sent with a fresh valid key unless the key is the defect. */
export function hostileRequestArb(target: FuzzTarget): fc.Arbitrary<BadRequest> {
  const path = target.path.replace(
    /\{([A-Za-z0-9_]+)\+?\}/g,
    (_m, name: string) => target.validParams[name] ?? "x",
  );
  const kinds = [
    { weight: 4, arbitrary: deepArb(target) },
    { weight: 1, arbitrary: oversizeArb(target) },
    { weight: 3, arbitrary: junkArb(target) },
    // Only a POST reads the key.
    ...(target.method === "POST" ? [{ weight: 1, arbitrary: badKeyArb(target) }] : []),
  ];
  return fc
    .tuple(fc.oneof(...kinds), fc.uuid())
    .filter(([hostile]) => hostile.defect !== undefined || target.ownProtocol)
    .map(([hostile, uuid]) => ({
      path,
      headers: { "content-type": "application/json", "idempotency-key": hostile.key ?? uuid },
      body: hostile.text,
      defects: [hostile.defect ?? "unsigned"],
      sample: `${target.method} ${path} body[${hostile.how}]=${hostile.text.slice(0, 120)}`,
    }));
}
