import { afterEach, describe, expect, it } from "vitest";
import {
  captureLogs,
  createLogger,
  maskBankAccount,
  maskIdNumber,
  maskPersonalData,
  maskPhone,
  maskText,
  withLogContext,
} from "#functions/runtime/logger.ts";

const ID = "230102199001011234";
const PHONE = "13812345678";
const BANK = "6222021234567890123";

let stop: (() => string[]) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

describe("personal data is masked in every log line", () => {
  it("masks the way DOMAIN §7 shows: ID 2301**********1234, phone 138****5678, bank last 4", () => {
    expect(maskIdNumber(ID)).toBe("2301**********1234");
    expect(maskPhone(PHONE)).toBe("138****5678");
    expect(maskBankAccount(BANK)).toBe("***************0123");
  });

  it("masks by key name whatever the value looks like", () => {
    const masked = maskPersonalData({
      applicant: { idNumber: "A1234567", phone: "0451-8888", bankAccount: "12345678" },
      payee: { id_number: ID, mobile: PHONE },
    });
    expect(masked).toEqual({
      applicant: { idNumber: "****4567", phone: "*****8888", bankAccount: "****5678" },
      payee: { id_number: "2301**********1234", mobile: "138****5678" },
    });
  });

  it("masks by pattern inside free text, also next to Chinese characters", () => {
    const text = `申请人身份证${ID}，电话${PHONE}，账号${BANK}。`;
    expect(maskText(text)).toBe("申请人身份证2301**********1234，电话138****5678，账号***************0123。");
    expect(maskText("id 23010219900101123X ok")).toBe("id 2301**********123X ok");
    expect(maskText("+86 13812345678")).toBe("+86 138****5678");
  });

  it("no line written through the logger carries the raw numbers, errors and nested data included", () => {
    // Prepare
    const capture = captureLogs();
    stop = capture.stop;
    const log = createLogger({ component: "test" });
    // Act
    withLogContext({ correlationId: "corr-1" }, () => {
      log.info("filed", { applicant: { idNumber: ID, contact: `phone ${PHONE}` }, notes: [BANK] });
      log.error("failed", { error: new Error(`bank rejected account ${BANK} of ${ID}`) });
    });
    const lines = capture.stop();
    // Assess
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(ID);
      expect(line).not.toContain(PHONE);
      expect(line).not.toContain(BANK);
      expect(JSON.parse(line)).toMatchObject({ correlationId: "corr-1", component: "test" });
    }
    expect(lines[1]).toContain("2301**********1234");
  });

  it("leaves ordinary values alone: amounts, dates, short codes", () => {
    const value = {
      amountYuan: "1230.00",
      at: "2026-01-05T08:00:00.000Z",
      townshipId: "230123100",
      count: 12,
    };
    expect(maskPersonalData(value)).toEqual(value);
  });
});
