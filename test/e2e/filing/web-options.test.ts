/**
 * Every option a console's picker offers is a code the API accepts: each ID document type, hardship
 * cause and household relation of the phone wizard is filed through `POST /cases`, each photo kind
 * through `POST /cases/{caseId}/documents`, on the local runtime; the township forms' radio options
 * are codes of the label catalogue, whose groups are typed from the API document, and the referral
 * targets pass the follow-up route's schema.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/index.ts";
import { FollowUpSchema } from "#functions/services/flow-a/decisions/follow-up.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, filing, key, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { catalogueLabel, type IdDocumentType } from "../../../web/src/labels.ts";
import { STEPS } from "../../../web/src/pages/township/forms/steps.ts";
import {
  CAUSES,
  DOCUMENT_KINDS,
  HARDSHIP_TYPES,
  ID_TYPES,
  REFERRAL_TARGETS,
  RELATIONS,
} from "../../../web/src/reference.ts";

let world: FlowAWorld;
let officer: ApiClient;
let sequence = 100;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "web-options" });
  officer = await world.signIn("officer-chengguan-1");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

function next(): number {
  sequence += 1;
  return sequence;
}

/** A GB 11643 number (resident ID / residence permit) of `region` with a fresh sequence. */
function gb11643(region: string): string {
  const first17 = `${region}19850101${String(next()).padStart(3, "0")}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** A valid document of each type a person can hold (the officer-attested case has none). */
const SAMPLE_DOCUMENT: Record<
  Exclude<IdDocumentType, "none-officer-attests">,
  () => Record<string, string>
> = {
  "resident-id": () => ({ number: gb11643("230123") }),
  passport: () => ({ number: `E${String(10_000_000 + next())}`, nationality: "RUS" }),
  "hk-macao-permit": () => ({ number: `H${String(10_000_000 + next())}` }),
  "taiwan-permit": () => ({ number: String(10_000_000 + next()) }),
  "foreigner-permanent-residence": () => ({ number: `USA${String(100_000_000_000 + next())}` }),
  "residence-permit": () => ({ number: gb11643("810000") }),
};

function nameOf(index: number): string {
  return `测试${"甲乙丙丁戊己庚辛壬癸"[index % 10]}${"子丑寅卯辰巳午未申酉戌亥"[Math.floor(index / 10) % 12]}`;
}

let people = 0;
async function file(overrides: {
  cause?: string;
  document?: Record<string, string>;
  household?: unknown[];
}): Promise<{ status: number; text: string; caseId?: string }> {
  people += 1;
  const name = nameOf(people);
  const document = overrides.document ?? { type: "resident-id", ...SAMPLE_DOCUMENT["resident-id"]() };
  const res = await officer.post<{ caseId?: string }>(
    "/cases",
    filing({
      hardship: { cause: overrides.cause ?? "fire" },
      applicant: { name, document, registration: { countyCode: "230123" } },
      bankAccount: {
        holderName: name,
        bankName: "农村信用社",
        account: `62170000${String(10_000_000 + people)}`,
      },
      onBehalf: { reason: "on-request" },
      ...(overrides.household ? { household: overrides.household } : {}),
    }),
    key("web-option"),
  );
  return { status: res.status, text: res.text, caseId: res.body.caseId };
}

describe("the phone wizard's pickers offer only codes the API accepts", () => {
  it("files with every ID document type the picker offers (resident ID, passport, HK/Macao, Taiwan, permanent residence, residence permit)", async () => {
    expect(ID_TYPES).toEqual(
      expect.arrayContaining([
        "resident-id",
        "passport",
        "hk-macao-permit",
        "taiwan-permit",
        "foreigner-permanent-residence",
      ]),
    );
    for (const type of ID_TYPES) {
      const sample = SAMPLE_DOCUMENT[type as keyof typeof SAMPLE_DOCUMENT];
      expect(sample, `a sample document of ${type}`).toBeDefined();
      const res = await file({ document: { type, ...sample() } });
      expect(res.status, `${type}: ${res.text}`).toBe(201);
    }
  });

  it("files with every hardship cause of every hardship type (incl. 其他自然灾害 and 其他刚性支出)", async () => {
    const offered = HARDSHIP_TYPES.flatMap((type) => CAUSES[type]);
    expect(offered).toEqual(expect.arrayContaining(["other-disaster", "other-rigid"]));
    for (const cause of offered) {
      const res = await file({ cause });
      expect(res.status, `${cause}: ${res.text}`).toBe(201);
    }
  });

  it("files a household with every relation the picker offers", async () => {
    const household = RELATIONS.filter((relation) => relation !== "self").map((relation, index) => ({
      name: nameOf(200 + index),
      relation,
    }));
    const res = await file({ household });
    expect(res.status, res.text).toBe(201);
  });

  it("uploads a photo of every document kind the picker offers, the first being the new photo's default", async () => {
    expect(DOCUMENT_KINDS[0]).toBe("incident-proof");
    const filed = await file({});
    expect(filed.status, filed.text).toBe(201);
    for (const [index, kind] of DOCUMENT_KINDS.entries()) {
      const res = await officer.post(
        `/cases/${filed.caseId}/documents`,
        { kind, fileName: `photo-${index}.jpg`, contentType: "image/jpeg", sizeBytes: 1024 },
        key("upload"),
      );
      expect(res.status, `${kind}: ${res.text}`).toBe(201);
    }
  });
});

describe("the township forms offer only codes the API accepts", () => {
  it("every referral target passes the follow-up route's schema", () => {
    for (const to of REFERRAL_TARGETS) {
      const parsed = FollowUpSchema.safeParse({ referrals: [{ to, receivingBody: "县医疗保障局" }] });
      expect(parsed.success, `${to}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it("every radio option of every step form is a code of its label group (typed from the API document)", () => {
    for (const step of STEPS) {
      for (const field of step.fields) {
        if (!field.options || field.optionGroup === "followUp") continue;
        for (const option of field.options) {
          expect(
            catalogueLabel(field.optionGroup ?? "", option, "zh-CN"),
            `${step.id} ${field.path}: ${option}`,
          ).toBeDefined();
        }
      }
    }
  });
});
