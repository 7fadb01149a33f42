/**
 * The audit trail in words for a zh-CN reader: the server's English reasons, actions and changes come
 * out as Chinese labels, Beijing times and names — no internal code, user id or ISO timestamp.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIONS } from "#core/access/permissions.ts";
import { auditAction, auditActor, auditChange, auditReason } from "../../../web/src/components/auditText.ts";

const NAMES = new Map([["finance-1", "王芳"]]);

describe("audit trail wording", () => {
  it("words the server's reasons in Chinese", () => {
    expect(auditReason("application", "zh-CN")).toBe("本人申请");
    expect(auditReason("document requested: incident-proof", "zh-CN")).toBe(
      "申请上传材料：事故/灾害证明或现场照片",
    );
    expect(auditReason("case.read granted to county-civil-affairs (own-county)", "zh-CN")).toBe(
      "县民政依职责查阅案件（本县）",
    );
    expect(auditReason("quota 50000.00 − closing balance 49200.00", "zh-CN")).toBe(
      "定额 ¥50,000.00 − 期末余额 ¥49,200.00",
    );
    expect(auditReason("proposed by finance-1", "zh-CN", NAMES)).toBe("由王芳提出");
    expect(auditReason("on behalf: found-by-staff", "zh-CN")).toBe("代为申请：工作人员主动发现");
  });

  it("words every reason a flow step writes word for word (every quoted `why` in functions/services)", () => {
    const root = join(import.meta.dirname, "../../../functions/services");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const reasons = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(root, file), "utf8");
      for (const line of text.split("\n").filter((l) => /\bwhy: /.test(l))) {
        // A quoted value compared against (`=== "approve"`) is a code, not a reason.
        const spoken = line.replace(/=== "[^"]*"/g, "");
        for (const quoted of spoken.matchAll(/"([^"]+)"/g)) reasons.add(quoted[1] ?? "");
      }
    }
    expect(reasons.size).toBeGreaterThan(10);
    const unworded = [...reasons].filter((reason) => auditReason(reason, "zh-CN") === reason);
    expect(unworded).toEqual([]);
  });

  it("shows the flows' own steps as the system, never as their id, and people by name", () => {
    expect(auditActor("system:flow-a", "system:flow-a", "zh-CN")).toBe("系统（先行救助流程）");
    expect(auditActor("system:flow-b", undefined, "zh-CN")).toBe("系统（分阶段救助流程）");
    expect(auditActor("system:other", "system:other", "zh-CN")).toBe("系统");
    expect(auditActor("finance-1", "王芳", "zh-CN")).toBe("王芳");
  });

  it("keeps a reason typed by staff as typed, and English for an English reader", () => {
    expect(auditReason("房屋失火属实", "zh-CN")).toBe("房屋失火属实");
    expect(auditReason("application", "en")).toBe("application");
  });

  it("names every action the server knows: each permission of core/access and each action it audits", () => {
    const root = join(import.meta.dirname, "../../..");
    const audited = new Set<string>();
    for (const dir of ["functions", "core"]) {
      for (const file of readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })) {
        if (!file.endsWith(".ts")) continue;
        const text = readFileSync(join(root, dir, file), "utf8");
        for (const m of text.matchAll(/\baction: "([a-zA-Z]+(?:\.[a-zA-Z]+)+)"/g)) audited.add(m[1] ?? "");
      }
    }
    expect(audited.size).toBeGreaterThan(20);
    const unnamed = [...new Set([...ACTIONS, ...audited])].filter(
      (action) => auditAction(action, "zh-CN") === "其他操作",
    );
    expect(unnamed).toEqual([]);
  });

  it("names actions, and never shows an unknown action's code to a zh-CN reader", () => {
    expect(auditAction("person.view", "zh-CN")).toBe("查阅个人信息");
    expect(auditAction("advance.decide", "zh-CN")).toBe("先行救助审批");
    expect(auditAction("something.new", "zh-CN")).toBe("其他操作");
  });

  it("words a change with labels, Beijing time, yuan and names; the rest is counted, not dumped", () => {
    const { text, rest } = auditChange(
      {
        status: "awaiting-advance-decision",
        cause: "fire",
        amountYuan: "800.00",
        decidedAt: "2026-12-06T02:24:00.000Z",
        decidedBy: "finance-1",
        docId: "f0f6b932",
      },
      "zh-CN",
      NAMES,
    );
    expect(text).toBe(
      "状态：待先行救助审批；原因：火灾；金额：¥800.00；审批时间：2026年12月6日 10:24；审批人：王芳",
    );
    expect(rest).toBe(1);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|finance-1|awaiting-/);
  });
});
