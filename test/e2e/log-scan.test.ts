/**
 * Log scan (issue 10 §8, DOMAIN §7): no log line holds an unmasked ID number, phone number or bank
 * account. Three parts:
 * 1. the detector works — planted unmasked lines are found, masked ones are not;
 * 2. its own pass over the main flows on the whole local county (`startLocalCounty`: runtime, Flow A,
 *    bank simulator, API) with realistic personal data — a valid 18-digit ID, a phone, a bank account —
 *    capturing every logger line AND everything written to the console;
 * 3. every masked line the e2e suite wrote to `test-artifacts/e2e-logs/*.jsonl` (this pass's lines
 *    included).
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  captureLogs,
  logger,
  maskBankAccount,
  maskIdNumber,
  maskPhone,
  maskText,
} from "#functions/runtime/logger.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { findPersonalData, isResidentIdNumber } from "./proofs/personal-data.ts";
import { type ApiClient, E2E_LOG_DIR, signIn } from "./support/index.ts";

/** Realistic personal data of one applicant (the ID's GB 11643 check digit is right). */
const PERSON = {
  name: "李秀兰",
  idNumber: "11010519491231002X",
  phone: "13912345678",
  bankAccount: "6222021400008881238",
};
const PLANTED = [PERSON.idNumber, PERSON.phone, PERSON.bankAccount];

describe("the detector", () => {
  it("finds planted unmasked ID numbers, phones and accounts, and passes their masked forms", () => {
    // Prepare
    const unmasked = [
      JSON.stringify({ level: "INFO", message: `applicant ${PERSON.idNumber} filed` }),
      JSON.stringify({ level: "INFO", contact: `call ${PERSON.phone}` }),
      JSON.stringify({ level: "INFO", note: `pay to ${PERSON.bankAccount}` }),
      JSON.stringify({ level: "INFO", other: "身份证230123198001011238已核验" }),
      JSON.stringify({ level: "INFO", other: "电话+86 13812345678" }),
      JSON.stringify({ level: "INFO", other: "卡号 6217 0000 1234 5678", planted: false }),
    ];
    const masked = [
      JSON.stringify({ idNumber: maskIdNumber(PERSON.idNumber), phone: maskPhone(PERSON.phone) }),
      JSON.stringify({ bankAccount: maskBankAccount(PERSON.bankAccount) }),
      JSON.stringify({
        message: maskText(`申请人 ${PERSON.idNumber} 电话 ${PERSON.phone} 账号 ${PERSON.bankAccount}`),
      }),
      JSON.stringify({ timestampMs: 1_763_860_000_000, durationMs: 12, seq: 123_456_789_012 }),
    ];
    // Act
    const found = unmasked.map((line) => findPersonalData([line], [...PLANTED, "6217000012345678"]).length);
    const falseAlarms = findPersonalData(masked, PLANTED);
    // Assess
    expect(isResidentIdNumber(PERSON.idNumber)).toBe(true);
    expect(found.every((n) => n > 0)).toBe(true);
    expect(falseAlarms).toEqual([]);
  });

  it("catches personal data logged through the real logger under a key name it does not know (masked by pattern)", () => {
    // Prepare
    const capture = captureLogs();
    // Act
    logger.info("filing received", {
      remark: `身份证${PERSON.idNumber}，手机${PERSON.phone}，卡${PERSON.bankAccount}`,
    });
    logger.info("payee", { payee: { acct: PERSON.bankAccount, contact: PERSON.phone } });
    const lines = capture.stop();
    // Assess
    expect(lines).toHaveLength(2);
    expect(findPersonalData(lines, PLANTED)).toEqual([]);
  });
});

/** Every console write of this process during the pass (handlers should use the logger; this checks they do). */
function captureConsole(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const originals = methods.map((name) => [name, console[name]] as const);
  for (const [name, original] of originals) {
    console[name] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
      original(...args);
    };
  }
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return [stream, original] as const;
  });
  return {
    lines,
    stop() {
      for (const [name, original] of originals) console[name] = original;
      for (const [stream, original] of writes) stream.write = original as typeof stream.write;
    },
  };
}

describe("a pass over the main flows on the whole local county", () => {
  let county: LocalCounty;
  let documentsDir: string;
  let previousDocumentsDir: string | undefined;
  let loggerCapture: ReturnType<typeof captureLogs>;
  let consoleCapture: ReturnType<typeof captureConsole>;

  beforeAll(async () => {
    loggerCapture = captureLogs();
    consoleCapture = captureConsole();
    documentsDir = await mkdtemp(join(tmpdir(), "aidflow-log-scan-docs-"));
    previousDocumentsDir = process.env.AIDFLOW_DOCUMENTS_DIR;
    process.env.AIDFLOW_DOCUMENTS_DIR = documentsDir;
    county = await startLocalCounty({
      dynamoEndpoint: inject("dynamoEndpoint"),
      tablePrefix: `log-scan-${randomUUID().slice(0, 8)}-`,
      clock: { mode: "real" },
      workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
    });
  });

  afterAll(async () => {
    await county?.stop();
    loggerCapture?.stop();
    consoleCapture?.stop();
    if (previousDocumentsDir === undefined) delete process.env.AIDFLOW_DOCUMENTS_DIR;
    else process.env.AIDFLOW_DOCUMENTS_DIR = previousDocumentsDir;
    await rm(documentsDir, { recursive: true, force: true });
  });

  async function waitFor(
    client: ApiClient,
    caseId: string,
    what: (progress: Record<string, unknown>) => boolean,
  ) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await client.get<Record<string, unknown>>(`/cases/${caseId}/progress`);
      if (res.status === 200 && what(res.body)) return res.body;
      if (Date.now() > deadline) throw new Error(`timed out on case ${caseId}: ${res.text.slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const openTask = (type: string) => (progress: Record<string, unknown>) =>
    ((progress.tasks as Array<{ taskType: string; status: string }>) ?? []).some(
      (t) => t.taskType === type && t.status === "open",
    );

  it("files with real-looking personal data, decides, pays through the bank, completes and closes — no unmasked line", async () => {
    // Prepare
    const applicant = await signIn(county.apiUrl, "applicant-zhang");
    const officer = await signIn(county.apiUrl, "officer-chengguan-1");
    const approver = await signIn(county.apiUrl, "approver-chengguan");
    const auditor = await signIn(county.apiUrl, "auditor-1");
    const filing = {
      townshipId: "230123100",
      hardship: { cause: "fire" },
      description: `房屋失火，联系电话 ${PERSON.phone}，身份证 ${PERSON.idNumber}`,
      applicant: {
        name: PERSON.name,
        document: { type: "resident-id", number: PERSON.idNumber },
        phone: PERSON.phone,
        registration: { countyCode: "110105" },
      },
      bankAccount: { holderName: PERSON.name, bankName: "中国工商银行", account: PERSON.bankAccount },
    };

    // Act: mistakes first (rejected requests log too), then the flow
    const badId = await applicant.post("/cases", {
      ...filing,
      applicant: { ...filing.applicant, document: { type: "resident-id", number: "110105194912310021" } },
    });
    const badPhone = await applicant.post("/cases", {
      ...filing,
      applicant: { ...filing.applicant, phone: `${PERSON.phone}x` },
    });
    const filed = await applicant.post<{ caseId: string }>("/cases", filing, {
      idempotencyKey: randomUUID(),
    });
    const replay = await applicant.post("/cases", filing, { idempotencyKey: "log-scan-file-1" });
    const caseId = filed.body.caseId;
    const upload = await applicant.post(
      `/cases/${caseId}/documents`,
      {
        kind: "bank-account-proof",
        fileName: `工行卡${PERSON.bankAccount}.pdf`,
        contentType: "application/pdf",
        sizeBytes: 1024,
        note: `账户 ${PERSON.bankAccount}，手机 ${PERSON.phone}`,
      },
      { idempotencyKey: randomUUID() },
    );
    await waitFor(approver, caseId, openTask("advance-decision"));
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00", reason: `核实身份证 ${PERSON.idNumber} 后先行救助` },
      { idempotencyKey: randomUUID() },
    );
    await waitFor(officer, caseId, openTask("paperwork"));
    const visitedAt = new Date(county.runtime.clock.nowMs()).toISOString();
    const paperwork = await officer.post(
      `/cases/${caseId}/paperwork`,
      {
        investigators: [
          { userId: "officer-chengguan-1", visitedAt },
          { userId: "officer-chengguan-2", visitedAt },
        ],
        economicCheck: { result: "eligible", reference: "HD-2026-0001" },
        facts: `入户核实：房屋失火属实，申请人手机 ${PERSON.phone}`,
        goodFaithBasis: "火灾现场照片及村委会证明，经办人据实先行救助",
      },
      { idempotencyKey: randomUUID() },
    );
    const coSigned = await (await signIn(county.apiUrl, "officer-chengguan-2")).post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      { idempotencyKey: randomUUID() },
    );
    await waitFor(officer, caseId, openTask("follow-up"));
    const closed = await officer.post(
      `/cases/${caseId}/follow-up`,
      { close: { summary: "先行救助已解决临时困难，结案" } },
      { idempotencyKey: randomUUID() },
    );
    const finance = await signIn(county.apiUrl, "finance-1");
    const reads = await Promise.all([
      applicant.get("/me/payments"),
      applicant.get("/me/cases"),
      officer.get(`/cases/${caseId}/documents`),
      finance.get("/funds"),
      finance.get("/funds/230123100/entries"),
      auditor.get("/audit"),
    ]);
    const progress = await auditor.get(`/cases/${caseId}/progress`);
    const audit = await auditor.get(`/audit?resourceType=case&resourceId=${caseId}`);
    await new Promise((r) => setTimeout(r, 500));
    const lines = [...loggerCapture.lines];
    const consoleLines = [...consoleCapture.lines];
    mkdirSync(E2E_LOG_DIR, { recursive: true });
    appendFileSync(join(E2E_LOG_DIR, `log-scan-${process.pid}.jsonl`), `${lines.join("\n")}\n`);

    // Assess: the flow ran, then no line holds the personal data unmasked
    expect([badId.status, badPhone.status]).toEqual([400, 400]);
    expect(filed.status, filed.text).toBe(201);
    expect(replay.status).toBeLessThan(300);
    expect(upload.status, upload.text).toBe(201);
    expect(approved.status, approved.text).toBe(200);
    expect(paperwork.status, paperwork.text).toBe(202);
    expect(coSigned.status, coSigned.text).toBe(200);
    expect(closed.status, closed.text).toBe(200);
    expect(progress.status).toBe(200);
    expect(reads.map((r) => r.status).filter((status) => status >= 500)).toEqual([]);
    expect(audit.status).toBe(200);
    consoleCapture.stop();
    console.info(`log scan, own pass: ${lines.length} logger lines, ${consoleLines.length} console writes`);
    expect(lines.length).toBeGreaterThan(20);
    expect(findPersonalData(lines, PLANTED)).toEqual([]);
    expect(findPersonalData(consoleLines, PLANTED)).toEqual([]);
  }, 120_000);
});

describe("the e2e suite's log lines", () => {
  it("hold no unmasked ID number, phone or bank account in any file of test-artifacts/e2e-logs", () => {
    // Prepare
    mkdirSync(E2E_LOG_DIR, { recursive: true });
    const files = readdirSync(E2E_LOG_DIR).filter((name) => name.endsWith(".jsonl"));
    // Act
    let scanned = 0;
    const findings = files.flatMap((name) => {
      const lines = readFileSync(join(E2E_LOG_DIR, name), "utf8").split("\n").filter(Boolean);
      scanned += lines.length;
      return findPersonalData(lines, PLANTED).map((f) => ({ file: name, ...f, line: f.line.slice(0, 300) }));
    });
    // Assess
    console.info(`log scan, e2e suite: ${scanned} lines in ${files.length} files`);
    expect(files.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });
});
