/**
 * The response boundary's masking (functions/http/masking.ts) on answers shaped like the API's: a
 * person's fields are masked by the reader's roles (core/access FIELD_VISIBILITY), found in context;
 * what is not a person's (a township's name, a staff member acting, hashes and ids) is left alone.
 */
import { describe, expect, it } from "vitest";
import { maskForReader, visibilityFor } from "#functions/http/masking.ts";

const auditor = visibilityFor({ roles: ["auditor"] });
const finance = visibilityFor({ roles: ["county-finance"] });
const officer = visibilityFor({ roles: ["township-officer"] });

const progress = {
  case: {
    caseId: "C20260302-0123456789",
    townshipId: "230123100",
    description: "房屋失火。联系电话 13945671234",
    applicant: {
      name: "欧阳秀英",
      document: { type: "resident-id", numberMasked: "2301**********3021" },
      phoneMasked: "139****1234",
      registration: { countyCode: "371302", province: "山东省", description: "山东省临沂市兰山区" },
      residence: { address: "黑龙江省哈尔滨市示例县城关镇春晖巷 17 号" },
    },
    household: [{ name: "欧阳晓峰", relation: "child" }],
    payout: {
      method: "bank",
      bank: { holderName: "欧阳秀英", bankName: "中国工商银行", accountMasked: "***1223" },
    },
  },
  documents: [{ docId: "d1", fileName: "欧阳秀英-户口本.pdf" }],
};

describe("masking at the response boundary", () => {
  it("Compliance: township staff read the case as stored", () => {
    expect(maskForReader(progress, officer)).toBe(progress);
  });

  it("Noncompliance 1: the auditor gets names, address, registration and numbers in text masked, the narrative kept", () => {
    // Act
    const shown = maskForReader(progress, auditor) as typeof progress;

    // Assess
    expect(shown.case.applicant.name).toBe("欧***");
    expect(shown.case.payout.bank.holderName).toBe("欧***");
    expect(shown.case.household[0]?.name).toBe("欧***");
    const address = progress.case.applicant.residence.address;
    expect(shown.case.applicant.residence.address).toBe(`黑龙江省哈尔${"*".repeat([...address].length - 6)}`);
    expect(shown.case.applicant.registration).toEqual({ province: "山东省" });
    expect(shown.case.description).toBe("房屋失火。联系电话 139****1234");
    // A name masked anywhere is masked wherever else it occurs in the answer.
    expect(shown.documents[0]?.fileName).toBe("欧***-户口本.pdf");
    expect(shown.case.caseId).toBe(progress.case.caseId);
    expect(shown.case.payout.bank.bankName).toBe("中国工商银行");
  });

  it("Noncompliance 2: county finance sees the payee's name, the registration's province only, no address or narrative", () => {
    const shown = maskForReader(progress, finance) as { case: Record<string, Record<string, unknown>> };
    expect(shown.case.applicant?.name).toBe("欧阳秀英");
    expect(shown.case.applicant?.residence).toEqual({});
    expect(shown.case.applicant?.registration).toEqual({ province: "山东省" });
    expect(shown.case.description).toBeUndefined();
  });

  it("Noncompliance 3: names known from the route's case are masked in text with no name field beside them", () => {
    const documents = { documents: [{ docId: "d1", fileName: "司马建华身份证.pdf" }] };
    const shown = maskForReader(documents, auditor, { names: ["司马建华"], addresses: [] });
    expect(shown).toEqual({ documents: [{ docId: "d1", fileName: "司***身份证.pdf" }] });
  });

  it("Compliance: a township's name, a staff actor's name, hashes and ids are not a person's data", () => {
    // Prepare
    const answer = {
      townships: [{ townshipId: "230123100", name: "城关镇" }],
      events: [
        {
          actor: { userId: "officer-chengguan-1", name: "王明", roles: ["township-officer"] },
          hash: "0123456789012345678901234567890123456789012345678901234567890123",
          correlationId: "corr-13945671234567",
        },
        { actor: { userId: "applicant-zhang", name: "张伟", roles: ["applicant"] }, reason: "张伟 filed" },
      ],
    };

    // Act
    const shown = maskForReader(answer, auditor) as typeof answer;

    // Assess
    expect(shown.townships).toEqual(answer.townships);
    expect(shown.events[0]).toEqual(answer.events[0]);
    expect(shown.events[1]?.actor.name).toBe("张*");
    expect(shown.events[1]?.reason).toBe("张* filed");
  });

  it("Noncompliance 4: no sign-in (the public notice) shows names and numbers masked, no address", () => {
    const shown = maskForReader(
      { applicantNameMasked: "王建国", address: "黑龙江省哈尔滨市示例县新华街道" },
      visibilityFor(undefined),
    );
    expect(shown).toEqual({ applicantNameMasked: "王**" });
  });
});
