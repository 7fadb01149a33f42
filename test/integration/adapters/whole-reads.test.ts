/**
 * Reads that a decision, a sum, a walk or an export depends on are read to their end: DynamoDB
 * answers a Query one page at a time (at most 1 MB), so a read that takes the first page returns a
 * truncated list on a large county, silently. Pages are made small here by a middleware that caps
 * every Query at 2 items, as a 1 MB boundary would on a large county; a read the domain bounds
 * (townships of a county, staff, policy versions…) refuses more than its bound instead of dropping rows.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { CalendarStore } from "#adapters/calendar-store.ts";
import { CaseDocuments } from "#adapters/case-documents.ts";
import { CaseStore } from "#adapters/case-store.ts";
import { CoSignatureStore } from "#adapters/co-signature-store.ts";
import { DirectoryStore, TOWNSHIPS_PER_COUNTY_MAX } from "#adapters/directory-store.ts";
import { FinanceStore } from "#adapters/finance-store.ts";
import { HumanTaskStore } from "#adapters/human-task-store.ts";
import { Outbox } from "#adapters/outbox.ts";
import { type CaseSubject, recordPersonView, viewsByViewer, viewsOfCases } from "#adapters/person-views.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { ReadBoundExceeded } from "#adapters/query-all.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { ValidationError } from "#core/errors.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { type AdminTables, adminTables } from "#test/support/admin-routes.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

const PAGE = 2;
let tables: TestTables;
let client: DynamoDBClient;
let db: DynamoDBDocumentClient;
let queries = 0;

beforeAll(async () => {
  tables = await createTestTables("whole-reads", { demoCounty: false });
  client = localDynamoClient(tables.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Limit?: number };
      if (context.commandName === "QueryCommand") {
        queries += 1;
        input.Limit = Math.min(input.Limit ?? PAGE, PAGE);
      }
      return next(args);
    },
    { step: "initialize", name: "smallPages" },
  );
  db = DynamoDBDocumentClient.from(client);
});

afterAll(() => client.destroy());

const put = (item: Record<string, unknown>) =>
  db.send(new PutCommand({ TableName: tables.names.main, Item: item }));

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("the directory is read whole", () => {
  it("a county's five townships, the province's and the deployment's counties are all listed", async () => {
    // Prepare: three counties of one province, the first with five townships
    const store = new DirectoryStore(db, tables.names.main);
    for (const c of range(3)) {
      await store.putCounty({
        countyId: `41090${c}`,
        name: `县${c}`,
        townships: range(c === 0 ? 5 : 1).map((t) => ({
          townshipId: `41090${c}10${t}`,
          name: `乡镇${t}`,
          registeredPopulation: 1000 + t,
          area: "rural" as const,
        })),
      });
    }
    queries = 0;

    // Act
    const townships = await store.townshipsOf("410900");
    const townshipQueries = queries;
    const ofProvince = await store.countyList("410000");
    const ofDeployment = await store.countiesOfDeployment();

    // Assess
    expect(townships.map((t) => t.townshipId)).toEqual(range(5).map((t) => `41090010${t}`));
    expect(townshipQueries).toBe(3);
    expect(ofProvince.map((c) => [c.countyId, c.townships])).toEqual([
      ["410900", 5],
      ["410901", 1],
      ["410902", 1],
    ]);
    expect(ofDeployment.map((c) => c.countyId)).toEqual(["410900", "410901", "410902"]);
  });

  it("a county holding more townships than the bound is an error, not a shorter list", async () => {
    // Prepare: township items written past the directory's own check (as a faulty import would)
    for (const t of range(TOWNSHIPS_PER_COUNTY_MAX + 1)) {
      const townshipId = `410950${String(t).padStart(3, "0")}`;
      await put({
        pk: "DIRECTORY#410950",
        sk: `TOWNSHIP#${townshipId}`,
        townshipId,
        countyId: "410950",
        name: `乡镇${t}`,
        registeredPopulation: 100,
        area: "rural",
      });
    }

    // Act / Assess
    await expect(new DirectoryStore(db, tables.names.main).townshipsOf("410950")).rejects.toThrow(
      ReadBoundExceeded,
    );
  });

  it("every staff user of a county is found (message recipients, the staff list)", async () => {
    // Prepare
    const directory = new UserDirectory(db, tables.names.main);
    await directory.putUsers(
      "410900",
      range(5).map((i) => ({
        userId: `officer-${i}`,
        name: `干部${i}`,
        roles: ["township-officer" as const],
        countyId: "410900",
        townshipId: "410900100",
        active: true,
      })),
    );

    // Act
    const users = await directory.usersOf("410900");

    // Assess
    expect(users.map((u) => u.userId).sort()).toEqual(range(5).map((i) => `officer-${i}`));
  });
});

describe("policy versions and calendar years are read whole", () => {
  it("every proposed version of a county is listed", async () => {
    // Prepare: five proposals as the store keeps them
    for (const v of range(5)) {
      await put({
        pk: "POLICY#410900",
        sk: `PROPOSAL#v${v}`,
        type: "policy-proposal",
        version: { versionId: `v${v}`, countyId: "410900" },
        status: "proposed",
        proposedBy: { userId: "admin-1", name: "管理员" },
        proposedAt: "2026-12-01T01:00:00.000Z",
      });
    }

    // Act
    const proposals = await new PolicyStore(db, tables.names.main).proposals("410900");

    // Assess
    expect(proposals.map((p) => p.version.versionId)).toEqual(range(5).map((v) => `v${v}`));
  });

  it("every year of a county's local days is read (working days count from all of them)", async () => {
    // Prepare: five years of local days
    for (const year of range(5).map((i) => 2022 + i)) {
      await put({
        pk: "CALENDAR#410900",
        sk: `LOCAL#${year}`,
        days: { year, holidays: [], makeUpWorkingDays: [] },
        revision: 1,
      });
    }

    // Act
    const years = await new CalendarStore(db, tables.names.main).localDays("410900");

    // Assess
    expect(years.map((d) => d.year)).toEqual([2022, 2023, 2024, 2025, 2026]);
  });
});

describe("what belongs to one case is read whole", () => {
  it("every document listed on a case", async () => {
    // Prepare
    const documents = new CaseDocuments(db, tables.names.main);
    for (const d of range(5)) {
      await documents.add({
        docId: `D${d}`,
        caseId: "C20261201-0000000001",
        kind: "id-card",
        fileName: `doc-${d}.jpg`,
        contentType: "image/jpeg",
        sizeBytes: 1000,
        requestedBy: "officer-1",
        requestedAt: "2026-12-01T01:00:00.000Z",
        uploaded: false,
        storageKey: `k/${d}`,
      });
    }

    // Act
    const listed = await documents.list("C20261201-0000000001");

    // Assess
    expect(listed.map((d) => d.docId)).toEqual(["D0", "D1", "D2", "D3", "D4"]);
  });

  it("every co-signer yet to confirm the paperwork", async () => {
    // Prepare: a recording naming five co-signers
    const store = new CoSignatureStore(db, tables.names.main);
    const coSigners = range(5).map((i) => `officer-${i}`);
    await store.create(
      {
        caseId: "C20261201-0000000002",
        countyId: "410900",
        townshipId: "410900100",
        round: 1,
        status: "pending",
        recordedBy: "officer-9",
        recordedByName: "记录人",
        recordedAt: "2026-12-01T01:00:00.000Z",
        requestDigest: "d",
        decision: {},
        output: {},
        coSigners,
        signatures: {},
      },
      "2026-12-01T01:00:00.000Z",
    );

    // Act
    const open = await store.openRequests("C20261201-0000000002");

    // Assess
    expect(open).toEqual(coSigners);
  });

  it("every message about a case, and a recipient's first messages up to the limit asked", async () => {
    // Prepare: five messages about one case to one recipient
    const outbox = new Outbox(db, tables.names.main);
    const recipient = { kind: "township" as const, id: "410900100", role: "township-officer" };
    for (const m of range(5)) {
      await outbox.put(
        {
          messageId: `C20261201-0000000003:note:${m}`,
          caseId: "C20261201-0000000003",
          kind: "note",
          recipient,
          subject: `note ${m}`,
          subjectZh: `通知${m}`,
        },
        new Date(Date.UTC(2026, 11, 1, 1, m)),
      );
    }

    // Act
    const ofCase = await outbox.forCase("C20261201-0000000003");
    const firstThree = await outbox.forRecipient(recipient, 3);

    // Assess
    expect(ofCase.map((m) => m.subject)).toEqual(range(5).map((m) => `note ${m}`));
    expect(firstThree.map((m) => m.subject)).toEqual(["note 0", "note 1", "note 2"]);
  });
});

describe("a case's tasks are read whole", () => {
  it("every task of a case, and its open task behind the decided ones", async () => {
    // Prepare: five tasks of one case, every one decided but the last in the case's order
    const store = new HumanTaskStore(db, tables.names.main);
    const caseId = "C20261201-0000000005";
    for (const n of range(5)) {
      await store.open(
        {
          caseId,
          countyId: "410900",
          townshipId: "410900100",
          taskType: "paperwork",
          assigneeRoles: ["township-officer"],
          escalated: false,
          overdue: false,
          openedAt: `2026-12-01T01:0${n}:00.000Z`,
          dueAt: "2026-12-15T01:00:00.000Z",
        },
        `token-${n}`,
      );
    }
    const taskIds = (await store.forCase(caseId)).map((t) => t.taskId).sort();
    for (const taskId of taskIds.slice(0, 4)) {
      await store.recordDecision(caseId, taskId, {
        decision: {},
        output: {},
        decidedBy: "officer-1",
        decidedAt: "2026-12-02T01:00:00.000Z",
        requestDigest: `d-${taskId}`,
      });
    }

    // Act
    const all = await store.forCase(caseId);
    const open = await store.openListedOf(caseId, 1);

    // Assess
    expect(all).toHaveLength(5);
    expect(all.filter((t) => t.status === "decided")).toHaveLength(4);
    expect(open.map((t) => t.openedAt)).toEqual([all.find((t) => t.taskId === taskIds[4])?.openedAt]);
  });
});

describe("a person's history is read whole", () => {
  it("every case of a person, newest first: the household rules see the oldest aid too", async () => {
    // Prepare: five cases of one person, the oldest of them aided and barred for fraud
    const personKey = "p-whole-reads-1";
    for (const n of range(5)) {
      await put({
        pk: `PERSON#${personKey}`,
        sk: `CASE#2026-0${n + 1}-01T01:00:00.000Z#C2026010${n}-000000000${n}`,
        caseId: `C2026010${n}-000000000${n}`,
        cause: "fire",
        filedAt: `2026-0${n + 1}-01T01:00:00.000Z`,
        status: "closed",
        aided: true,
        fraud: n === 0,
      });
    }
    queries = 0;

    // Act
    const history = await new CaseStore(db, tables.names.main).personHistory(personKey);

    // Assess
    expect(history.map((h) => h.caseId)).toEqual([
      "C20260104-0000000004",
      "C20260103-0000000003",
      "C20260102-0000000002",
      "C20260101-0000000001",
      "C20260100-0000000000",
    ]);
    expect(history.at(-1)?.fraud).toBe(true);
    expect(queries).toBe(3);
  });
});

describe("a resource's audit history pages to its end", () => {
  it("a case's events come a page at a time, each page handing on a cursor, the last none", async () => {
    // Prepare: five events about one case
    const store = new AuditStore({ client: db, tableName: tables.names.main });
    for (const n of range(5)) {
      await store.append({
        countyId: "410900",
        townshipId: "410900100",
        actor: { userId: "officer-1", name: "王芳", roles: ["township-officer"] },
        action: `step.${n}`,
        resourceType: "case",
        resourceId: "C20261201-0000000004",
      });
    }

    // Act
    const first = await store.pageForResource("case", "C20261201-0000000004", { limit: 3 });
    const second = await store.pageForResource("case", "C20261201-0000000004", {
      limit: 3,
      ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
    });
    const firstFour = await store.listForResource("case", "C20261201-0000000004", 4);
    const forged = Buffer.from(JSON.stringify({ pk: "AUDIT#410900", at: "x" })).toString("base64url");

    // Assess
    expect(first.events.map((e) => e.action)).toEqual(["step.0", "step.1", "step.2"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.events.map((e) => e.action)).toEqual(["step.3", "step.4"]);
    expect(second.nextCursor).toBeUndefined();
    expect(firstFour.map((e) => e.action)).toEqual(["step.0", "step.1", "step.2", "step.3"]);
    await expect(
      store.pageForResource("case", "C20261201-0000000004", { limit: 3, cursor: forged }),
    ).rejects.toThrow(ValidationError);
  });
});

describe("county finance reads every open proposal and every alert", () => {
  it("five replenishment proposals waiting for a second finance user are all listed", async () => {
    // Prepare: five proposed replenishments, as the store keeps them
    for (const t of range(5)) {
      await put({
        pk: `RECON#41090010${t}`,
        sk: "REPLENISH#2026-11",
        type: "replenishment-proposal",
        gsi1pk: "REPLENISH#410900#proposed",
        gsi1sk: `2026-12-01T01:00:0${t}.000Z#41090010${t}`,
        proposalId: `p${t}`,
        fundId: `41090010${t}`,
        countyId: "410900",
        period: "2026-11",
        amountYuan: "100.00",
        quotaYuan: "5000.00",
        closingBalanceYuan: "4900.00",
        proposedBy: "finance-1",
        proposedAt: `2026-12-01T01:00:0${t}.000Z`,
        status: "proposed",
      });
    }

    // Act
    const open = await new FinanceStore(db, tables.names.main).openProposals("410900");

    // Assess
    expect(open.map((p) => p.fundId)).toEqual(range(5).map((t) => `41090010${t}`));
  });

  it("every pending low-balance alert of the county, past the first hundred, is read (dispatch and roll-up)", async () => {
    // Prepare: 101 pending alerts of the county's funds, as the ledger writes them
    for (const n of range(101)) {
      const fundId = "410900100";
      const bookedAt = `2026-12-01T0${Math.floor(n / 60)}:${String(n % 60).padStart(2, "0")}:00.000Z`;
      await put({
        pk: `OUTBOX#fund.low-balance#${fundId}#${n + 1}`,
        sk: "OUTBOX",
        gsi1pk: "OUTBOX#pending",
        gsi1sk: `${bookedAt}#${fundId}#${n + 1}`,
        type: "fund.low-balance",
        payload: JSON.stringify({
          type: "fund.low-balance",
          fundId,
          sequence: n + 1,
          bookedAt,
          availableYuan: "10.00",
        }),
      });
    }
    const store = new FinanceStore(db, tables.names.main);

    // Act
    const pending = await store.alerts("410900", "pending");
    const newestTwo = await store.alerts("410900", "pending", 2);

    // Assess
    expect(pending).toHaveLength(101);
    expect(pending.map((a) => a.sequence).slice(0, 3)).toEqual([101, 100, 99]);
    expect(newestTwo.map((a) => a.sequence)).toEqual([101, 100]);
  });
});

describe("who looked at whom pages to its end", () => {
  let admin: AdminTables;
  beforeAll(async () => {
    admin = await adminTables("whole-reads-views");
  });
  afterAll(() => admin.close());

  it("the views of a case and of a viewer come a page at a time, with a cursor while views remain", async () => {
    // Prepare: one officer views five cases' data, and another case three times
    const subject = (caseId: string): CaseSubject => ({
      caseId,
      resource: { countyId: "410900", townshipId: "410900100" },
      names: [],
      addresses: [],
    });
    const officer = { userId: "officer-7", name: "李强", roles: ["township-officer" as const] };
    for (const n of range(5)) {
      await recordPersonView({
        subject: subject(`C20261201-000000010${n}`),
        actor: officer,
        kind: "case",
        route: "GET /cases/{caseId}",
        reason: "case.read",
        dedupKey: `view-${n}`,
      });
    }
    for (const n of range(3)) {
      await recordPersonView({
        subject: subject("C20261201-0000000200"),
        actor: { ...officer, userId: `officer-${n}` },
        kind: "case",
        route: "GET /cases/{caseId}",
        reason: "case.read",
        dedupKey: `case-200-${n}`,
      });
    }

    // Act
    const byViewer1 = await viewsByViewer("410900", "officer-7", { limit: 3 });
    const byViewer2 = await viewsByViewer("410900", "officer-7", {
      limit: 3,
      ...(byViewer1.nextCursor ? { cursor: byViewer1.nextCursor } : {}),
    });
    const ofCase1 = await viewsOfCases("410900", ["C20261201-0000000200"], { limit: 2 });
    const ofCase2 = await viewsOfCases("410900", ["C20261201-0000000200"], {
      limit: 2,
      ...(ofCase1.nextCursor ? { cursor: ofCase1.nextCursor } : {}),
    });

    // Assess
    expect([...byViewer1.events, ...byViewer2.events].map((e) => e.resourceId)).toEqual(
      range(5).map((n) => `C20261201-000000010${n}`),
    );
    expect(byViewer1.nextCursor).toEqual(expect.any(String));
    expect(byViewer2.nextCursor).toBeUndefined();
    expect(ofCase1.events.map((e) => e.actor.userId)).toEqual(["officer-0", "officer-1"]);
    expect(ofCase1.nextCursor).toEqual(expect.any(String));
    expect(ofCase2.events.map((e) => e.actor.userId)).toEqual(["officer-2"]);
    expect(ofCase2.nextCursor).toBeUndefined();
  });
});
