import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../../core/errors.ts";
import {
  checkResidentId,
  keyedHash,
  maskBankAccount,
  maskIdNumber,
  maskName,
  maskPhone,
  parseIdentityDocument,
  personKey,
} from "../../../../core/identity/index.ts";

/** The weight table as printed in GB 11643-1999, used as an oracle independent of the code. */
const GB_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB_CHECK = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"];
function withCheckDigit(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * (GB_WEIGHTS[i] as number), 0);
  return first17 + GB_CHECK[sum % 11];
}

const SECRET = "test-secret-of-at-least-32-bytes-long!!";

describe("18-digit resident ID (GB 11643)", () => {
  it("accepts the standard's own example 11010519491231002X", () => {
    expect(checkResidentId("11010519491231002X")).toEqual({
      valid: true,
      number: "11010519491231002X",
      regionCode: "110105",
      birthDate: "1949-12-31",
      sex: "female",
    });
  });

  it("accepts a lower-case x and surrounding spaces, normalising them", () => {
    expect(checkResidentId(" 11010519491231002x ")).toMatchObject({
      valid: true,
      number: "11010519491231002X",
    });
  });

  it.each([
    ["110105194912310021", "check-digit"],
    ["1101051949123100", "shape"],
    ["11010519491231002Y", "shape"],
    ["990105194912310021", "region"],
    [withCheckDigit("23010219900230123"), "birth-date"],
    [withCheckDigit("23010218990101123"), "birth-date"],
  ])("Noncompliance: %s is refused for its %s", (id, problem) => {
    expect(checkResidentId(id)).toMatchObject({ valid: false, problem });
  });

  it("refuses a birth date after the instant it is checked at", () => {
    const id = withCheckDigit("23010220300101123");
    expect(checkResidentId(id, Date.parse("2026-06-01T00:00:00+08:00"))).toMatchObject({
      problem: "birth-date",
    });
    expect(checkResidentId(id).valid).toBe(true);
  });

  it("property: every well-formed number with the GB check digit is accepted, any other check digit refused", () => {
    const birth = fc
      .date({
        min: new Date("1900-01-01T00:00:00Z"),
        max: new Date("2025-12-31T00:00:00Z"),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10).replaceAll("-", ""));
    const region = fc.constantFrom("230123", "110105", "440304", "650102", "810000");
    const seq = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, "0"));
    fc.assert(
      fc.property(region, birth, seq, fc.constantFrom(..."0123456789X"), (r, b, s, other) => {
        const valid = withCheckDigit(r + b + s);
        expect(checkResidentId(valid).valid).toBe(true);
        const tampered = valid.slice(0, 17) + other;
        expect(checkResidentId(tampered).valid).toBe(other === valid.at(-1));
      }),
    );
  });
});

describe("other identity documents (DOMAIN §2.1)", () => {
  it.each([
    { type: "resident-id", number: "11010519491231002x" },
    { type: "passport", number: "e12345678", nationality: "RUS" },
    { type: "hk-macao-permit", number: "H12345678" },
    { type: "hk-macao-permit", number: "M1234567801" },
    { type: "taiwan-permit", number: "12345678" },
    { type: "foreigner-permanent-residence", number: "USA110012345678" },
    { type: "foreigner-permanent-residence", number: withCheckDigit("93311519800101001") },
    { type: "residence-permit", number: withCheckDigit("81000019800101001") },
    {
      type: "none-officer-attests",
      attestingOfficerId: "u-officer-1",
      reason: "证件在火灾中损毁，经村委会核实身份",
    },
  ])("Compliance: $type is accepted", (doc) => {
    expect(parseIdentityDocument(doc).type).toBe(doc.type);
  });

  it.each([
    { type: "resident-id", number: "110105194912310021" },
    { type: "passport", number: "E1234", nationality: "Russia" },
    { type: "hk-macao-permit", number: "K12345678" },
    { type: "taiwan-permit", number: "1234567" },
    { type: "foreigner-permanent-residence", number: "933115198001010011" },
    { type: "none-officer-attests", attestingOfficerId: "u-officer-1", reason: "  " },
    { type: "driving-licence", number: "123" },
  ])("Noncompliance: $type $number is refused with a field error", (doc) => {
    try {
      parseIdentityDocument(doc);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[0]?.path).toMatch(/^identityDocument/);
    }
  });

  it("normalises document numbers (upper case, no spaces)", () => {
    const doc = parseIdentityDocument({ type: "passport", number: " e1234 5678 ", nationality: "RUS" });
    expect(doc).toMatchObject({ number: "E12345678" });
  });
});

describe("masking of personal data", () => {
  it("ID number 2301**********1234", () => {
    expect(maskIdNumber("230102199001011234")).toBe("2301**********1234");
  });
  it("phone 138****5678, also with +86", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("+86 138-1234-5678")).toBe("138****5678");
  });
  it("bank account keeps the last 4", () => {
    expect(maskBankAccount("6222 0212 3456 1234")).toBe("************1234");
  });
  it("names keep the family name", () => {
    expect(maskName("张三")).toBe("张*");
    expect(maskName("欧阳娜娜")).toBe("欧***");
  });
  it("property: a masked ID never contains the birth date and keeps its length", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const masked = maskIdNumber(id);
        expect(masked).toHaveLength(id.length);
        expect(masked.slice(4, 14)).toBe("*".repeat(10));
      }),
    );
  });
});

describe("keyed hash for duplicate checks", () => {
  it("is HMAC-SHA-256: depends on the secret, stable for the same value", () => {
    const a = keyedHash(SECRET, "11010519491231002X");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash(SECRET, "11010519491231002X")).toBe(a);
    expect(keyedHash(`${SECRET}2`, "11010519491231002X")).not.toBe(a);
    expect(a).not.toContain("11010519491231002X");
  });

  it("refuses a short secret", () => {
    expect(() => keyedHash("short", "x")).toThrow(RangeError);
  });

  it("the same person is recognised by resident ID and by residence permit, and an attestation has no key", () => {
    const id = parseIdentityDocument({ type: "resident-id", number: "11010519491231002x" });
    const permit = parseIdentityDocument({ type: "residence-permit", number: "11010519491231002X" });
    expect(personKey(SECRET, id)).toBe(personKey(SECRET, permit));
    const attested = parseIdentityDocument({
      type: "none-officer-attests",
      attestingOfficerId: "o",
      reason: "r",
    });
    expect(personKey(SECRET, attested)).toBeUndefined();
  });
});
