/**
 * The county's message texts and the applicant's SMS on a case answer the shapes their routes
 * declare — the web's types (web/src/api/messageTemplates.ts, smsContact.ts) are generated from
 * them. The test client checks every 2xx answer against its route's schema
 * (test/support/answer-contract.ts), so a drifting answer fails here, naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_EVENT_KINDS } from "#core/messages/index.ts";
import { CHENGGUAN, DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { fileCase, filingFor, person } from "#test/e2e/queries/support.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import type { components } from "../../web/src/api/schema.ts";

type MessageTemplates = components["schemas"]["MessageTemplates"];
type SmsContact = components["schemas"]["SmsContact"];
type CaseMessages = components["schemas"]["CaseMessages"];

let world: FlowAWorld;
let admin: ApiClient;
let officer: ApiClient;
let caseId = "";
const TEMPLATES = `/admin/counties/${DEMO_COUNTY.countyId}/message-templates`;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "declared-answers" });
  admin = await world.signIn("county-admin-1");
  officer = await world.signIn("officer-chengguan-1");
  caseId = await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(41), "fire"));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("declared answers of the message texts and the SMS contact", () => {
  it("the county administrator reads every event's text within the limits, and saves the county's own", async () => {
    const read = await admin.get<MessageTemplates>(TEMPLATES);
    expect(read.status).toBe(200);
    expect(read.body.events.map((e) => e.event).sort()).toEqual([...MESSAGE_EVENT_KINDS].sort());
    for (const event of read.body.events)
      expect(event.charsMax).toBeLessThanOrEqual(read.body.limits.charsMax);

    const own = "{salutation}，您的临时救助案件{caseNumber}已办结，请为本次服务评价：{ratingUrl}";
    const saved = await admin.request<MessageTemplates>("PUT", TEMPLATES, {
      templates: { "case-closed": own },
      ratingUrl: "https://hcp.example.gov.cn/r",
    });
    expect(saved.status).toBe(200);
    const closed = saved.body.events.find((e) => e.event === "case-closed");
    expect(closed).toMatchObject({ template: own, own: true });
    expect(saved.body.ratingUrl).toBe("https://hcp.example.gov.cn/r");
    expect(saved.body.updatedBy).toBe("county-admin-1");
  });

  it("an officer opts the applicant out after a phone call and back in; the messages show the number's state", async () => {
    const out = await officer.post<SmsContact>(`/cases/${caseId}/sms-opt-out`, {
      note: "申请人来电表示不再接收短信",
    });
    expect(out.status).toBe(200);
    expect(out.body.optedOut).toMatchObject({ via: "township", viaZh: "乡镇经办人代为登记（电话）" });
    expect(out.body.phoneMasked).toMatch(/\*/);

    const listed = await officer.get<CaseMessages>(`/cases/${caseId}/messages`);
    expect(listed.status).toBe(200);
    expect(listed.body.contact.optedOut?.via).toBe("township");

    const back = await officer.post<SmsContact>(`/cases/${caseId}/sms-opt-in`, {
      note: "申请人来电要求恢复短信",
    });
    expect(back.status).toBe(200);
    expect(back.body.optedOut).toBeNull();
    expect(back.body.optedIn).toMatchObject({ via: "township" });
  });
});
