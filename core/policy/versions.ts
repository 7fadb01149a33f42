/**
 * A county's policy is a sequence of versions by effective date (ARCHITECTURE §3.2): exactly one
 * version is in force at any instant from the first version on — no gaps, no overlaps. Every
 * decision records the `policyVersionId` it used, so a later change never rewrites history.
 */
import * as z from "zod";
import { BusinessRuleError } from "../errors.ts";
import { zhDateTime } from "../labels/zhText.ts";
import { type PolicyParameters, PolicyParametersSchema } from "./parameters.ts";
import { parseWith } from "./validation.ts";

const Instant = z.iso.datetime({ offset: true });

export const PolicyVersionSchema = z
  .object({
    versionId: z.string().min(1),
    countyId: z.string().regex(/^\d{6}$/, "county id is a 6-digit administrative division code"),
    /** Inclusive start, ISO-8601 with offset, e.g. "2026-01-01T00:00:00+08:00". */
    effectiveFrom: Instant,
    /** Exclusive end; when given it must equal the next version's `effectiveFrom`. Open for the last. */
    effectiveUntil: Instant.optional(),
    /** Document it implements, e.g. "依兰县民政局〔2026〕1号". */
    basis: z.string().min(1).optional(),
    parameters: PolicyParametersSchema,
  })
  .strict();

export type PolicyVersion = Omit<z.output<typeof PolicyVersionSchema>, "parameters"> & {
  parameters: PolicyParameters;
};

function at(text: string): number {
  return Date.parse(text);
}

function checkSequence(set: { countyId: string; versions: PolicyVersion[] }, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string, zh: string) =>
    ctx.addIssue({ code: "custom", path, message, params: { zh } });
  const ids = new Set<string>();
  set.versions.forEach((v, i) => {
    if (v.countyId !== set.countyId) {
      issue(["versions", i, "countyId"], "version belongs to another county", "版本所属县与政策集不一致");
    }
    if (ids.has(v.versionId)) issue(["versions", i, "versionId"], "duplicate version id", "版本号重复");
    ids.add(v.versionId);
    if (v.effectiveUntil !== undefined && at(v.effectiveUntil) <= at(v.effectiveFrom)) {
      issue(["versions", i, "effectiveUntil"], "ends before it starts", "失效时间早于生效时间");
    }
    const next = set.versions[i + 1];
    if (next === undefined) return;
    if (at(next.effectiveFrom) <= at(v.effectiveFrom)) {
      issue(
        ["versions", i + 1, "effectiveFrom"],
        "versions must be in strictly increasing effectiveFrom order (overlap)",
        "版本须按生效时间严格递增排列（存在重叠）",
      );
    } else if (v.effectiveUntil !== undefined && at(v.effectiveUntil) !== at(next.effectiveFrom)) {
      const gap = at(v.effectiveUntil) < at(next.effectiveFrom);
      issue(
        ["versions", i, "effectiveUntil"],
        gap ? "gap before the next version" : "overlaps the next version",
        gap ? "与下一版本之间存在空档" : "与下一版本时间重叠",
      );
    }
  });
}

export const CountyPolicySetSchema = z
  .object({
    countyId: z.string().regex(/^\d{6}$/),
    countyName: z.string().min(1),
    versions: z.array(PolicyVersionSchema).min(1),
  })
  .strict()
  .pipe(
    z
      .custom<{ countyId: string; countyName: string; versions: PolicyVersion[] }>()
      .superRefine(checkSequence),
  );

export type CountyPolicySet = z.output<typeof CountyPolicySetSchema>;

export function parseCountyPolicySet(input: unknown): CountyPolicySet {
  return parseWith(CountyPolicySetSchema, input, "county policy set", "县级救助政策");
}

export class NoPolicyInForceError extends BusinessRuleError {
  override readonly code = "NO_POLICY_IN_FORCE";
}

/** The version in force at `instant` (DOMAIN §7: versioned by effective date). */
export function policyInForce(
  versions: readonly PolicyVersion[] | CountyPolicySet,
  instant: Date | number,
): PolicyVersion {
  const list = "versions" in versions ? versions.versions : versions;
  const t = typeof instant === "number" ? instant : instant.getTime();
  let found: PolicyVersion | undefined;
  for (const v of list) {
    if (at(v.effectiveFrom) <= t) found = v;
  }
  if (found === undefined || (found.effectiveUntil !== undefined && t >= at(found.effectiveUntil))) {
    const when = new Date(t).toISOString();
    throw new NoPolicyInForceError(
      `no policy version is in force at ${when}`,
      `${zhDateTime(t)} 无生效的救助政策版本`,
      {
        details: { instant: when },
      },
    );
  }
  return found;
}
