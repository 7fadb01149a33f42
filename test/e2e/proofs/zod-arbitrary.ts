/**
 * fast-check arbitraries derived from a route's zod schema (zod v4 definitions): `nearValid(schema)`
 * builds values of the schema's shape — right keys, plausible strings and numbers — which the fuzz
 * test then breaks one field at a time, so errors are probed deep inside the body, not only at its top.
 */
import fc from "fast-check";
import type { z } from "zod";

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: z.ZodType;
  valueType?: z.ZodType;
  checks?: Array<{ _zod: { def: { check: string; minimum?: number; maximum?: number; pattern?: RegExp } } }>;
};

export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strings people and systems actually send, tried first so that refinements (yuan, codes) often pass. */
const PLAUSIBLE = [
  "800.00",
  "1200",
  "3000.50",
  "230123100",
  "230123",
  "张伟",
  "城关镇",
  "fire",
  "2026-11-20",
  "2026-11-20T08:00:00.000Z",
  "13812345678",
  "6222020200112233445",
  "11010519491231002X",
  "because the house burned down",
  "approve",
  "reject",
];

function stringArbitrary(def: Def): fc.Arbitrary<string> {
  let min = 0;
  let max = 40;
  let pattern: RegExp | undefined;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "min_length" && c.minimum !== undefined) min = c.minimum;
    if (c.check === "max_length" && c.maximum !== undefined) max = Math.min(c.maximum, 200);
    if (c.check === "string_format" && c.pattern instanceof RegExp) pattern = c.pattern;
  }
  const fitting = PLAUSIBLE.filter(
    (s) => s.length >= min && s.length <= max && (!pattern || pattern.test(s)),
  );
  // fast-check generates only for case-sensitive patterns; what matches without `i` matches with it.
  const generating = pattern?.flags.includes("i")
    ? new RegExp(pattern.source, pattern.flags.replace("i", ""))
    : pattern;
  const generated = generating
    ? fc.stringMatching(generating).filter((s) => s.length >= min && s.length <= Math.max(max, min))
    : fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)) });
  return fitting.length > 0 ? fc.oneof(fc.constantFrom(...fitting), generated) : generated;
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  for (const check of def.checks ?? []) {
    const c = check._zod.def as { check: string; value?: number };
    if (c.check === "greater_than" && typeof c.value === "number") min = c.value + 1;
    if (c.check === "less_than" && typeof c.value === "number") max = c.value;
  }
  return fc.integer({ min: Math.ceil(Math.max(min, -1e6)), max: Math.floor(Math.min(max, 1e6)) });
}

/** A value shaped like the schema (not guaranteed valid: refinements and cross-field rules are unknown). */
export function nearValid(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (depth > 8) return fc.constant(null);
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      const entries = Object.entries(shape).map(([key, value]) => {
        const inner = defOf(value).type;
        const optional = inner === "optional" || inner === "default";
        return [key, nearValid(value, depth + 1), optional] as const;
      });
      const required = entries.filter(([, , optional]) => !optional).map(([key]) => key);
      return fc.record(Object.fromEntries(entries.map(([key, arb]) => [key, arb])), {
        requiredKeys: required as never[],
      });
    }
    case "string":
      return stringArbitrary(def);
    case "number":
    case "int":
      return numberArbitrary(def);
    case "boolean":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? { x: "x" }));
    case "literal":
      return fc.constantFrom(...(def.values ?? [null]));
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return def.innerType ? nearValid(def.innerType, depth + 1) : fc.constant(undefined);
    case "array":
      return def.element ? fc.array(nearValid(def.element, depth + 1), { maxLength: 3 }) : fc.constant([]);
    case "union":
      return fc.oneof(...(def.options ?? []).map((option) => nearValid(option, depth + 1)));
    case "pipe":
      return def.in ? nearValid(def.in, depth + 1) : fc.anything();
    case "record":
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }),
        def.valueType ? nearValid(def.valueType, depth + 1) : fc.string(),
        { maxKeys: 3 },
      );
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
