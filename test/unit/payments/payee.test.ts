import { describe, expect, it } from "vitest";
import { PayeeRuleError } from "#adapters/payments/errors.ts";
import { checkPayee, hashAccount, maskAccount, namesMatch } from "#adapters/payments/payee.ts";

const SECRET = "payee-hash-secret-for-tests-01";
const ACCOUNT = "6222 0202 0011 2233 445";

describe("payee rules (issue 8 §5)", () => {
  it("Compliance: the applicant's own account, holder name matching, is accepted and stored masked and hashed", () => {
    const record = checkPayee(
      "王小明",
      { kind: "applicant", name: "王 小明", bankAccount: ACCOUNT, bankName: "工行" },
      SECRET,
    );

    expect(record).toEqual({
      kind: "applicant",
      name: "王 小明",
      bankName: "工行",
      accountMasked: "****3445",
      accountHash: hashAccount("6222020200112233445", SECRET),
    });
    expect(JSON.stringify(record)).not.toContain("6222020200112233445");
  });

  it("Noncompliance 1: an account holder other than the applicant is refused with zh/en messages", () => {
    const attempt = () =>
      checkPayee(
        "王小明",
        { kind: "applicant", name: "李四", bankAccount: ACCOUNT, bankName: "工行" },
        SECRET,
      );

    expect(attempt).toThrow(PayeeRuleError);
    expect(attempt).toThrow(
      expect.objectContaining({ statusCode: 422, messageZh: expect.stringContaining("户名") }),
    );
  });

  it("Noncompliance 2: a guardian payee without a reason is refused", () => {
    const attempt = () =>
      checkPayee(
        "王小明",
        { kind: "guardian", name: "王大明", bankAccount: ACCOUNT, bankName: "工行", exceptionReason: " " },
        SECRET,
      );

    expect(attempt).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ path: "payee.exceptionReason" })] }),
    );
  });

  it("Compliance: a guardian payee with a reason is an explicit exception kept with its reason", () => {
    const record = checkPayee(
      "王小明",
      {
        kind: "guardian",
        name: "王大明",
        bankAccount: ACCOUNT,
        bankName: "工行",
        exceptionReason: "申请人为未成年人，由父亲代领",
      },
      SECRET,
    );

    expect(record).toMatchObject({ kind: "guardian", exceptionReason: "申请人为未成年人，由父亲代领" });
  });

  it("names compare as on an ID card: width, spaces and the middle dot of transliterated names", () => {
    expect(namesMatch("阿依古丽·买买提", "阿依古丽•买买提")).toBe(true);
    expect(namesMatch("ＡＢＣ", "abc")).toBe(true);
    expect(namesMatch("王小明", "王晓明")).toBe(false);
  });

  it("the same account hashes the same whatever its spacing, differently under another key", () => {
    expect(hashAccount(ACCOUNT, SECRET)).toBe(hashAccount("6222-0202-0011-2233-445", SECRET));
    expect(hashAccount(ACCOUNT, "another-secret-entirely-0000")).not.toBe(hashAccount(ACCOUNT, SECRET));
    expect(maskAccount(ACCOUNT)).toBe("****3445");
  });
});
