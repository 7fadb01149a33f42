/**
 * "No internal code, user id or ISO timestamp is ever shown to a zh-CN user; people by name, dates in
 * Asia/Shanghai": core's labels name every case status and every human step in Chinese, its
 * formatters write times in Asia/Shanghai words, and the refusals built from them — for every
 * status, every step, every action — carry none of what test/support/zh-leaks.ts looks for.
 */
import { describe, expect, it } from "vitest";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { HumanTaskDecision } from "#adapters/human-task-store.ts";
import { ACTIONS, type Actor, authorize } from "#core/access/index.ts";
import { CASE_STATES, WAIT_STATES } from "#core/cases/lifecycle.ts";
import {
  CASE_STATUS_LABELS,
  caseStatusZh,
  paymentPurposeZh,
  REFERRAL_LABELS,
  referralZh,
  SOMEONE_ELSE_ZH,
  TASK_TYPE_NAMES_ZH,
  taskTypeZh,
  zhDate,
  zhDateTime,
  zhPeriod,
} from "#core/labels/index.ts";
import { REFERRAL_TARGETS } from "#functions/services/flow-a/decisions/follow-up.ts";
import { withdrawalRefusal } from "#functions/services/queries/withdrawal.ts";
import { alreadyDecidedError, notWaitingError } from "#functions/services/steps/human-tasks.ts";
import { zhLeaks } from "#test/support/zh-leaks.ts";
import zhCN from "../../../web/src/i18n/zh-CN.ts";

const TASK_TYPES = [...new Set([...Object.keys(WAIT_STATES.A), ...Object.keys(WAIT_STATES.B)])];
const CASE_NUMBER = "C20260302-0a1b2c3d4e";

function decidedAt(iso: string): HumanTaskDecision {
  return {
    decision: { decision: "approve" },
    output: {},
    decidedBy: "approver-chengguan",
    decidedAt: iso,
    requestDigest: "d",
  };
}

describe("core labels name every code a message may carry", () => {
  it("every case status has a Chinese and an English name", () => {
    for (const status of CASE_STATES) {
      expect(CASE_STATUS_LABELS[status].zh, status).toMatch(/\p{Script=Han}/u);
      expect(CASE_STATUS_LABELS[status].en, status).toBeTruthy();
      expect(caseStatusZh(status)).toBe(CASE_STATUS_LABELS[status].zh);
    }
    expect(caseStatusZh("no-such-status")).toBe("当前状态");
  });

  it("every human step of both flows has the Chinese name the consoles show for it", () => {
    expect(Object.keys(TASK_TYPE_NAMES_ZH).sort()).toEqual([...TASK_TYPES].sort());
    for (const taskType of TASK_TYPES) {
      expect(taskTypeZh(taskType), taskType).toBe(
        (zhCN.nextStepShort as Record<string, string | undefined>)[taskType],
      );
    }
    expect(taskTypeZh("no-such-step")).toBe("此项办理");
  });

  it("every referral target the follow-up accepts has a Chinese name", () => {
    expect(Object.keys(REFERRAL_LABELS).sort()).toEqual([...REFERRAL_TARGETS].sort());
    for (const target of REFERRAL_TARGETS) expect(referralZh(target), target).toMatch(/\p{Script=Han}/u);
    expect(referralZh("no-such-target")).toBe("其他救助帮扶");
  });

  it("payment purposes read as the aid they pay", () => {
    expect(paymentPurposeZh("advance")).toBe("先行救助");
    expect(paymentPurposeZh("follow-up")).toBe("追加救助");
    expect(paymentPurposeZh("stage-3")).toBe("第3期分阶段救助");
    expect(paymentPurposeZh("other")).toBe("救助金");
  });
});

describe("times and periods reach a zh-CN reader in Asia/Shanghai words", () => {
  it("an instant is its Shanghai date and time: 01:00 UTC is 09:00 the same day, 16:30 UTC is 00:30 the next", () => {
    expect(zhDateTime("2026-03-02T01:00:00.000Z")).toBe("2026年3月2日 09:00");
    expect(zhDateTime("2026-12-31T16:30:00Z")).toBe("2027年1月1日 00:30");
    expect(zhDateTime(Date.parse("2026-07-15T23:59:00Z"))).toBe("2026年7月16日 07:59");
    expect(zhDateTime("not a time")).toBe("");
  });

  it("a calendar date and a reconciliation period are written in words", () => {
    expect(zhDate("2026-03-02")).toBe("2026年3月2日");
    expect(zhPeriod("2026-10")).toBe("2026年10月");
    expect(zhPeriod("2026-Q4")).toBe("2026年第4季度");
  });
});

describe("refusals built from codes show a zh-CN reader none of them", () => {
  it("'not waiting' and 'already decided' name the step in Chinese, the decider by name, the time in Shanghai", () => {
    for (const taskType of TASK_TYPES) {
      const notWaiting = notWaitingError(CASE_NUMBER, taskType);
      expect(zhLeaks(notWaiting.messageZh, [CASE_NUMBER]), notWaiting.messageZh).toEqual([]);
      expect(notWaiting.messageZh).toContain(taskTypeZh(taskType));

      const decided = alreadyDecidedError(taskType, decidedAt("2026-03-02T01:05:00.000Z"), undefined, "陈静");
      expect(zhLeaks(decided.messageZh), decided.messageZh).toEqual([]);
      expect(decided.messageZh).toBe(
        `「${taskTypeZh(taskType)}」已由陈静于 2026年3月2日 09:05 办理，本次提交未作任何更改`,
      );
      // English keeps the codes for staff and logs; the HTTP status and code stay.
      expect(decided.message).toContain(taskType);
      expect([decided.statusCode, decided.code]).toEqual([409, "CONFLICT"]);
    }
  });

  it("a decider whose name is not at hand is 其他人员, never the user id", () => {
    const decided = alreadyDecidedError("advance-decision", decidedAt("2026-03-02T01:05:00.000Z"));
    expect(decided.messageZh).toContain(`已由${SOMEONE_ELSE_ZH}于`);
    expect(decided.messageZh).not.toContain("approver-chengguan");
  });

  it("a withdrawal refused in any status names the status in Chinese and the withdrawal time in Shanghai", () => {
    let refused = 0;
    for (const status of CASE_STATES) {
      const record = {
        caseId: CASE_NUMBER,
        status,
        withdrawal: { at: "2026-03-02T01:05:00.000Z" },
      } as unknown as CaseRecord;
      const refusal = withdrawalRefusal(record);
      if (!refusal) continue;
      refused += 1;
      expect(zhLeaks(refusal.messageZh, [CASE_NUMBER]), refusal.messageZh).toEqual([]);
    }
    expect(refused).toBeGreaterThan(1);
    const withdrawn = withdrawalRefusal({
      caseId: CASE_NUMBER,
      status: "withdrawn",
      withdrawal: { at: "2026-03-02T01:05:00.000Z" },
    } as unknown as CaseRecord);
    expect(withdrawn?.messageZh).toContain("（2026年3月2日 09:05）");
  });

  it("a denial names no action code, whatever the action", () => {
    const applicant: Actor = {
      userId: "applicant-zhang",
      roles: ["applicant"],
      countyId: "230123",
      name: "张伟",
    };
    for (const action of ACTIONS) {
      const answer = authorize(applicant, action, { countyId: "999999", townshipId: "999999100" });
      if (answer.allowed) continue;
      expect(zhLeaks(answer.reasonZh), `${action}: ${answer.reasonZh}`).toEqual([]);
    }
  });

  it("the leak detector finds each kind it is for", () => {
    const kinds = (text: string) => zhLeaks(text).map((l) => l.kind);
    expect(kinds("已由 officer-chengguan-1 办理")).toEqual(["code"]);
    expect(kinds("于 2026-03-02T01:05:00.000Z 办理")).toEqual(["iso-timestamp"]);
    expect(kinds("截至 2026-03-02")).toEqual(["iso-date"]);
    expect(kinds("由 0b7e3c52-5a1e-4f3a-9d2b-6c1f8e9a0b1c 办理")).toEqual(["uuid"]);
    expect(kinds("乡镇 230123100 备用金")).toEqual(["township-code"]);
    expect(kinds("当前状态为 awaiting-paperwork")).toEqual(["code"]);
    expect(kinds("当前角色无权执行操作 fund.replenish.propose")).toEqual(["code"]);
    expect(kinds("请上传 county.xlsx")).toEqual([]);
    expect(kinds("案件 C20260302-0a1b2c3d4e 已撤回，金额 ¥1,234.50，2026年3月2日 09:05")).toEqual([]);
  });
});
