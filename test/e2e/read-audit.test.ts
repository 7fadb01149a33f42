/**
 * Who looked at whom (DOMAIN §8): a staff read of a person's unmasked data — the case page, the
 * documents and their download — is an event in the county's hash-chained audit trail, which the
 * auditor finds by person (any of the person's cases) and by user. The applicant's reads of their own
 * case and the auditor's masked reads are not views; a burst of refreshes within the named window
 * (PERSON_VIEW_DEDUP_WINDOW_SECONDS) is one view.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERSON_VIEW_DEDUP_WINDOW_SECONDS } from "#functions/http/boundary.ts";
import type { ApiClient } from "#test/e2e/support/index.ts";
import {
  approveAndPay,
  type FlowAWorld,
  fileAndWait,
  filing,
  startFlowAWorld,
} from "#test/integration/flow-a/world.ts";

/** What an export answers: a short-lived link to the file. */
interface ExportLink {
  download: { url: string };
}

interface AuditEventBody {
  seq: number;
  action: string;
  resourceType: string;
  resourceId: string;
  reason?: string;
  actor: { userId: string; name: string; roles: string[] };
  after?: { kind?: string; route?: string; downloadsIssued?: string[] };
}

interface DocumentsBody {
  documents: Array<{ docId: string; download?: { url: string } }>;
}

let world: FlowAWorld;
let applicant: ApiClient;
let officer: ApiClient;
let auditor: ApiClient;
let caseId: string;
let secondCaseId: string;
let docId: string;

async function views(query: string): Promise<AuditEventBody[]> {
  const response = await auditor.get<{ events: AuditEventBody[] }>(`/audit?${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body.events;
}

beforeAll(async () => {
  world = await startFlowAWorld({ label: "read-audit" });
  applicant = await world.signIn("applicant-zhang");
  officer = await world.signIn("officer-chengguan-1");
  auditor = await world.signIn("auditor-1");
  const filed = await applicant.post<{ caseId: string }>("/cases", filing(), {
    idempotencyKey: "read-audit-1",
  });
  expect(filed.status, filed.text).toBe(201);
  caseId = filed.body.caseId;
  // The same person, another cause: a second case of theirs.
  const second = await applicant.post<{ caseId: string }>(
    "/cases",
    filing({ hardship: { cause: "traffic-accident" }, description: "遭遇交通事故，急需救助" }),
    { idempotencyKey: "read-audit-2" },
  );
  expect(second.status, second.text).toBe(201);
  secondCaseId = second.body.caseId;
  const content = new TextEncoder().encode("%PDF-1.4 read audit\n");
  const requested = await applicant.post<{
    document: { docId: string };
    upload: { url: string; headers: Record<string, string> };
  }>(
    `/cases/${caseId}/documents`,
    {
      kind: "incident-proof",
      fileName: "火灾现场照片.pdf",
      contentType: "application/pdf",
      sizeBytes: content.length,
    },
    { idempotencyKey: "read-audit-doc-1" },
  );
  expect(requested.status, requested.text).toBe(201);
  docId = requested.body.document.docId;
  const put = await fetch(requested.body.upload.url, {
    method: "PUT",
    headers: requested.body.upload.headers,
    body: content,
  });
  expect(put.status).toBeLessThan(300);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("who looked at whom", () => {
  it("an officer opens a case page and downloads a document: two view events the auditor finds by person and by user; the applicant's own views add none", async () => {
    // Prepare: the applicant reads their own case every way they can
    const ownReads = await Promise.all([
      applicant.get(`/cases/${caseId}/progress`),
      applicant.get(`/cases/${caseId}/documents`),
      applicant.get(`/plans/${caseId}`),
      applicant.get("/me/cases"),
    ]);
    expect(ownReads.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const afterOwnReads = await views(`person=${caseId}`);

    // Act: the officer opens the case page (twice: a refresh), then the documents and downloads one
    const page = await officer.get(`/cases/${caseId}/progress`);
    const refresh = await officer.get(`/cases/${caseId}/progress`);
    const documents = await officer.get<DocumentsBody>(`/cases/${caseId}/documents`);
    const link = documents.body.documents.find((d) => d.docId === docId)?.download?.url;
    const download = link ? await fetch(link) : undefined;
    // The auditor reads the same case masked: not a view of unmasked data
    const masked = await auditor.get(`/cases/${caseId}/progress`);

    // Assess
    expect([page.status, refresh.status, documents.status, masked.status]).toEqual([200, 200, 200, 200]);
    expect(download?.status).toBe(200);
    expect(afterOwnReads).toEqual([]);
    const byCase = await views(`viewsOfCase=${caseId}`);
    const byPerson = await views(`person=${caseId}`);
    const byUser = await views("viewer=officer-chengguan-1");
    for (const found of [byCase, byPerson, byUser]) {
      expect(found.map((e) => [e.action, e.resourceId, e.actor.userId, e.after?.kind])).toEqual([
        ["person.view", caseId, "officer-chengguan-1", "case"],
        ["person.view", caseId, "officer-chengguan-1", "documents"],
      ]);
    }
    expect(byCase[0]?.reason).toBe("case.read granted to township-officer (own-township)");
    expect(byCase[1]?.after?.downloadsIssued).toEqual([docId]);
    expect(await views("viewer=applicant-zhang")).toEqual([]);
    expect(await views("viewer=auditor-1")).toEqual([]);
    expect(PERSON_VIEW_DEDUP_WINDOW_SECONDS).toBeGreaterThan(0);
  });

  it("views of the person's other case are found by person, not by that one case", async () => {
    // Act
    const other = await officer.get(`/plans/${secondCaseId}`);

    // Assess
    expect(other.status).toBe(200);
    const byPerson = await views(`person=${caseId}`);
    expect(byPerson.map((e) => [e.resourceId, e.after?.kind])).toEqual([
      [caseId, "case"],
      [caseId, "documents"],
      [secondCaseId, "plan"],
    ]);
    expect((await views(`viewsOfCase=${caseId}`)).map((e) => e.resourceId)).toEqual([caseId, caseId]);
    // Found the other way round too: the person named by their second case
    expect((await views(`person=${secondCaseId}`)).length).toBe(3);
  });

  it("a view is in the same hash-chained trail: the chain still verifies", async () => {
    const verified = await auditor.get<{ ok: boolean; count: number }>("/audit/verify");
    expect(verified.status).toBe(200);
    expect(verified.body.ok).toBe(true);
    const chain = await auditor.get<{ events: AuditEventBody[] }>("/audit?limit=200");
    expect(chain.body.events.filter((e) => e.action === "person.view")).toHaveLength(3);
  });

  it("a refresh after the window is a new view", async () => {
    // Act
    await world.clock.advanceBy((PERSON_VIEW_DEDUP_WINDOW_SECONDS + 1) * 1000);
    const again = await officer.get(`/cases/${caseId}/progress`);

    // Assess
    expect(again.status).toBe(200);
    expect((await views(`viewsOfCase=${caseId}`)).map((e) => e.after?.kind)).toEqual([
      "case",
      "documents",
      "case",
    ]);
  });

  it("an export that shows payees' names in clear records a view of each case it shows; a masked export records none", async () => {
    // Prepare: another person's case, approved and paid this month
    const approver = await world.signIn("approver-chengguan");
    const finance = await world.signIn("finance-1");
    const paidCaseId = await fileAndWait(
      world,
      officer,
      filing({
        applicant: {
          name: "刘强",
          document: { type: "resident-id", number: "11010519491231002X" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "刘强", bankName: "农村信用社", account: "6217000012349999" },
        onBehalf: { reason: "on-request" },
      }),
    );
    await approveAndPay(world, approver, paidCaseId, "500.00");
    const period = new Date(world.clock.nowMs()).toISOString().slice(0, 7);
    const query = `/exports/reconciliation?kind=detail&period=${period}&townshipId=230123100`;

    // Act
    const clear = await finance.get<ExportLink>(query);
    const maskedExport = await auditor.get<ExportLink>(query);

    // Assess: the files behind the two links
    expect(clear.status, clear.text).toBe(200);
    expect(await (await fetch(clear.body.download.url)).text()).toContain("刘强");
    expect(maskedExport.status, maskedExport.text).toBe(200);
    const masked = await (await fetch(maskedExport.body.download.url)).text();
    expect(masked).toContain("刘*");
    expect(masked).not.toContain("刘强");
    const byFinance = await views("viewer=finance-1");
    expect(byFinance.map((e) => [e.action, e.resourceId, e.after?.kind, e.after?.route])).toEqual([
      ["person.view", paidCaseId, "export", "GET /exports/reconciliation"],
    ]);
    expect(await views("viewer=auditor-1")).toEqual([]);
  });
});
