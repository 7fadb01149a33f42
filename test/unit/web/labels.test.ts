/**
 * The web's label catalogue (web/src/labels.ts) names every code the server can show: case statuses
 * (functions/adapters/case-store.ts), roles (core/access), and every enum of the API document.
 * A code without a label would reach a zh-CN reader raw.
 */
import { describe, expect, it } from "vitest";
import { ROLES } from "#core/access/roles.ts";
import type { CaseStatus as ServerCaseStatus } from "#functions/adapters/case-store.ts";
import { generateApiDocument } from "#functions/http/api-document.ts";
import { CASE_STATUSES, catalogueLabel, type LABELS, ROLES as WEB_ROLES } from "../../../web/src/labels.ts";

// Type-level: the web's list of statuses is exactly the server's union (tsc fails otherwise).
type MissingOnWeb = Exclude<ServerCaseStatus, (typeof CASE_STATUSES)[number]>;
type UnknownOnServer = Exclude<(typeof CASE_STATUSES)[number], ServerCaseStatus>;
const sameStatuses: [MissingOnWeb | UnknownOnServer] extends [never] ? true : MissingOnWeb | UnknownOnServer =
  true;

/** Every `enum` of the document with the JSON path where it sits. */
function enumsOf(node: unknown, path: string, out: Array<{ path: string; values: string[] }>): void {
  if (Array.isArray(node)) {
    for (const [index, child] of node.entries()) enumsOf(child, `${path}/${index}`, out);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (Array.isArray(record.enum)) out.push({ path, values: record.enum.map(String) });
  for (const [key, child] of Object.entries(record)) enumsOf(child, `${path}/${key}`, out);
}

/** Where in the API document each label group's codes are validated. */
const GROUP_OF_ENUM: Array<[RegExp, keyof typeof LABELS]> = [
  [/\/hardship\/properties\/cause$/, "cause"],
  [/\/document\/oneOf\/\d+\/properties\/type$/, "idType"],
  [/\/properties\/relation$/, "relation"],
  [/\/properties\/onBehalf\/properties\/reason$/, "onBehalf"],
  [/\/schemas\/(CaseDocument|DocumentUploadRequest)\/properties\/kind$/, "documentKind"],
  [/\/referrals\/items\/properties\/to$/, "referral"],
  [/\/economicCheck\/properties\/result$/, "householdCheck"],
  [/\/payee\/properties\/kind$/, "payeeKind"],
  [/\/recheck\/post\/.*\/properties\/outcome$/, "recheckOutcome"],
  [/\/(advance|escalation|additional-aid)-decision\/post\/.*\/properties\/decision$/, "decision"],
  [/\/plans\/\{caseId\}\/approval\/post\/.*\/properties\/decision$/, "decision"],
  [/\/cases\/\{caseId\}\/rating\/post\/.*\/properties\/level$/, "ratingLevel"],
];

describe("label catalogue", () => {
  it("labels every case status the server stores, in Chinese and English", () => {
    expect(sameStatuses).toBe(true);
    for (const status of CASE_STATUSES) {
      expect(catalogueLabel("status", status, "zh-CN"), status).toMatch(/\p{Script=Han}/u);
      expect(catalogueLabel("status", status, "en"), status).toBeTruthy();
      expect(catalogueLabel("statusNext", status, "zh-CN"), status).toMatch(/\p{Script=Han}/u);
    }
  });

  it("labels every role of core/access", () => {
    expect([...WEB_ROLES].sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(catalogueLabel("role", role, "zh-CN"), role).toMatch(/\p{Script=Han}/u);
  });

  it("labels every code of the API document's request enums that a user picks or is shown", async () => {
    const found: Array<{ path: string; values: string[] }> = [];
    enumsOf(await generateApiDocument(), "", found);
    const checked = new Set<string>();
    for (const { path, values } of found) {
      const group = GROUP_OF_ENUM.find(([pattern]) => pattern.test(path))?.[1];
      if (!group) continue;
      checked.add(group);
      for (const code of values) {
        expect(catalogueLabel(group, code, "zh-CN"), `${group} ${code} (${path})`).toMatch(/\p{Script=Han}/u);
        expect(catalogueLabel(group, code, "en"), `${group} ${code} (${path})`).toBeTruthy();
      }
    }
    // Each group was found where the document puts it (a moved route would silently skip it).
    expect([...checked].sort()).toEqual([...new Set(GROUP_OF_ENUM.map(([, group]) => group))].sort());
  });
});
