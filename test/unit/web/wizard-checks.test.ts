/**
 * The phone wizard's own checks (web/src/pages/applicant/wizardChecks.ts) never stop a person the API
 * would accept, and stop on the page what the API would refuse by its shape: each document number
 * the wizard offers is checked against the core's document schema (the API's), a mainland mobile is
 * 11 digits, and a field the API names is sent back to the step that holds it.
 */
import { describe, expect, it } from "vitest";
import { IdentityDocumentSchema, residentIdCheckCharacter } from "#core/identity/index.ts";
import type { IdDocumentType } from "../../../web/src/labels.ts";
import {
  checkStep,
  isGenericMessage,
  plainKeyFor,
  stepOf,
  type WizardForm,
} from "../../../web/src/pages/applicant/wizardChecks.ts";
import { ID_TYPES } from "../../../web/src/reference.ts";

const TODAY = "2026-12-06";

function withCheck(first17: string): string {
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** Numbers per document type: what the API takes, and what it refuses by shape. */
const NUMBERS: Record<Exclude<IdDocumentType, "none-officer-attests">, { good: string[]; bad: string[] }> = {
  "resident-id": {
    good: [withCheck("23012319870202123"), "230123 1987 0202 1236"],
    bad: ["12345", "2301231987020212"],
  },
  "residence-permit": { good: [withCheck("81000019900101123")], bad: ["81000019900101"] },
  passport: { good: ["E12345678", "g1234567"], bad: ["E1", "E12345678901234567890", "E-1234567"] },
  "hk-macao-permit": { good: ["H12345678", "m1234567890"], bad: ["H1234567", "12345678", "K12345678"] },
  "taiwan-permit": { good: ["12345678", "1234567890", "1234567890B"], bad: ["1234567", "T1234567"] },
  "foreigner-permanent-residence": {
    good: ["USA123456789012", withCheck("91234567890123456")],
    bad: ["US123456789012", "812345678901234567"],
  },
};

function form(overrides: Partial<WizardForm["applicant"]> = {}): WizardForm {
  return {
    hardshipType: "urgent",
    cause: "fire",
    townshipId: "230123100",
    occurredOn: TODAY,
    description: "房屋失火",
    requestedAmountYuan: "",
    periodFrom: "",
    periodTo: "",
    applicant: {
      name: "赵敏",
      idType: "resident-id",
      idNumber: withCheck("23012319870202123"),
      nationality: "RUS",
      phone: "13812345678",
      ...overrides,
    },
    household: [],
    bankAccount: { bankName: "", holderName: "", account: "" },
  };
}

function apiAccepts(type: IdDocumentType, number: string): boolean {
  return IdentityDocumentSchema.safeParse({
    type,
    number,
    ...(type === "passport" ? { nationality: "RUS" } : {}),
  }).success;
}

describe("wizard checks agree with the API's document schema", () => {
  it("offers every document type it has a number check for, and nothing the API does not know", () => {
    expect([...ID_TYPES].sort()).toEqual(Object.keys(NUMBERS).sort());
  });

  for (const [type, { good, bad }] of Object.entries(NUMBERS) as Array<
    [IdDocumentType, { good: string[]; bad: string[] }]
  >) {
    it(`${type}: a number the API accepts passes the step, one of the wrong shape is stopped on it`, () => {
      for (const number of good) {
        expect(apiAccepts(type, number), `API should accept ${number}`).toBe(true);
        expect(checkStep(1, form({ idType: type, idNumber: number }), TODAY), number).toEqual({});
      }
      for (const number of bad) {
        expect(apiAccepts(type, number), `API should refuse ${number}`).toBe(false);
        expect(
          checkStep(1, form({ idType: type, idNumber: number }), TODAY)["applicant.document.number"],
          number,
        ).toMatch(/^idNumber/);
      }
    });
  }

  it("a passport needs a three-letter nationality, as the API does", () => {
    const problems = checkStep(
      1,
      form({ idType: "passport", idNumber: "E12345678", nationality: "RU" }),
      TODAY,
    );
    expect(problems["applicant.document.nationality"]).toBe("nationalityFormat");
    expect(
      IdentityDocumentSchema.safeParse({ type: "passport", number: "E12345678", nationality: "RU" }).success,
    ).toBe(false);
  });
});

describe("mobile number", () => {
  it("a mainland mobile is 11 digits starting with 1; spaces and dashes are allowed while typing", () => {
    expect(checkStep(1, form({ phone: "1381234567" }), TODAY)["applicant.phone"]).toBe("phoneFormat");
    expect(checkStep(1, form({ phone: "23812345678" }), TODAY)["applicant.phone"]).toBe("phoneFormat");
    expect(checkStep(1, form({ phone: "138 1234 5678" }), TODAY)).toEqual({});
    expect(checkStep(1, form({ phone: "+85291234567" }), TODAY)).toEqual({});
    expect(checkStep(1, form({ phone: "" }), TODAY)["applicant.phone"]).toBe("phoneRequired");
  });
});

describe("steps", () => {
  it("the first step needs a cause, a township, a past date and what happened", () => {
    const empty = { ...form(), cause: "", townshipId: "", description: " ", occurredOn: "2026-12-07" };
    expect(checkStep(0, empty, TODAY)).toEqual({
      "hardship.cause": "causeRequired",
      townshipId: "townshipRequired",
      occurredOn: "occurredOnFuture",
      description: "descriptionRequired",
    });
  });

  it("half a bank account is stopped; none at all is allowed (staff contact the person)", () => {
    const half = { ...form(), bankAccount: { bankName: "农业银行", holderName: "", account: "" } };
    expect(Object.keys(checkStep(2, half, TODAY)).sort()).toEqual([
      "bankAccount.account",
      "bankAccount.holderName",
    ]);
    expect(checkStep(2, form(), TODAY)).toEqual({});
  });

  it("a field the API names is sent back to the step holding it, in the field's own words", () => {
    expect(stepOf("applicant.document.number")).toBe(1);
    expect(stepOf("household.0.name")).toBe(1);
    expect(stepOf("bankAccount.account")).toBe(2);
    expect(stepOf("townshipId")).toBe(0);
    expect(isGenericMessage("格式不正确，应为规定格式")).toBe(true);
    expect(isGenericMessage("身份证号码校验位不正确")).toBe(false);
    expect(
      plainKeyFor("applicant.document.number", form({ idType: "hk-macao-permit", idNumber: "H12345678" })),
    ).toBe("idNumberHkMacao");
  });
});
