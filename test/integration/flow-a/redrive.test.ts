/**
 * A failed case restarted by an operator, on the real ASL and DynamoDB Local (docs/operations.md,
 * "A failed case"). The bank's front end answers an instruction with a maintenance page instead of
 * JSON, after the bank took the transfer: the payment step fails with `BankProtocolError` (never
 * retried: a person must look), the case is recorded as an incident and its execution fails. Once
 * the bank answers properly again, `aidflow case redrive` starts `<caseId>-2` at the payment step:
 * the same attempt, the same bank instruction, the same ledger entry — paid once, then closed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { executionReader } from "#adapters/execution-reader.ts";
import { stepFunctions } from "#adapters/step-functions.ts";
import { ConflictError } from "#core/errors.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { executionArnOf } from "#functions/services/executions.ts";
import { type RedriveDeps, type RedriveResult, redriveCase } from "#functions/services/redrive.ts";
import { main } from "#local/cli/main.ts";
import {
  caseEntries,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  paperworkThenFollowUp,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;
let frontEnd: BankFrontEnd;
let audit: AuditStore;
const TOWNSHIP = "230123100";

/** The bank behind a front end that can answer instructions with a maintenance page (after forwarding them). */
interface BankFrontEnd {
  url: string;
  maintenancePage: boolean;
  close(): Promise<void>;
}

async function startBankFrontEnd(bankUrl: string): Promise<BankFrontEnd> {
  const state = { maintenancePage: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === "string" && !["host", "content-length", "connection"].includes(entry[0]),
        ),
      );
      const body = Buffer.concat(chunks);
      fetch(new URL(req.url ?? "/", bankUrl), {
        method: req.method ?? "GET",
        headers,
        ...(body.length > 0 ? { body } : {}),
      })
        .then(async (answer) => {
          const text = await answer.text();
          if (state.maintenancePage && req.method === "POST" && req.url === "/v1/instructions") {
            res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
            res.end("<html><body>系统维护中</body></html>");
            return;
          }
          res.writeHead(answer.status, {
            "content-type": answer.headers.get("content-type") ?? "application/json",
          });
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(502);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get maintenancePage() {
      return state.maintenancePage;
    },
    set maintenancePage(on: boolean) {
      state.maintenancePage = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function redriveDeps(overrides: Partial<RedriveDeps> = {}): RedriveDeps {
  return {
    cases: world.deps.cases,
    audit: world.deps.audit,
    workflow: stepFunctions(world.sfn),
    executions: executionReader(world.sfn),
    stateMachines: { flowA: world.flowAArn },
    ...overrides,
  };
}

async function status(name: string): Promise<string | undefined> {
  return (await executionReader(world.sfn).describe(executionArnOf(world.flowAArn, name)))?.status;
}

async function redrives(caseId: string) {
  return (await audit.listForResource("case", caseId, 100)).filter((e) => e.action === "case.redrive");
}

/** The CLI as an operator runs it, against this world's tables and Step Functions endpoint. */
async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: {
      ...process.env,
      AIDFLOW_TABLE_MAIN: world.runtime.tables.main,
      AIDFLOW_TABLE_LEDGER: world.runtime.tables.ledger,
      AIDFLOW_STATE_MACHINE_FLOW_A: world.flowAArn,
      AWS_ENDPOINT_URL_SFN: world.runtime.sfnEndpoint,
    },
  });
  return { code, out, err };
}

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-redrive" });
  frontEnd = await startBankFrontEnd(world.bank.url);
  process.env.AIDFLOW_BANK_ENDPOINTS = JSON.stringify({ "*": frontEnd.url });
  resetConfig();
  resetFlowDeps();
  audit = new AuditStore({ client: world.runtime.dynamo, tableName: world.runtime.tables.main });
});

afterAll(async () => {
  await frontEnd?.close();
  await world?.close();
});

describe("a case whose payment step failed on the bank's answer", () => {
  let failed: string;
  let running: string;

  it("stops as an incident: the execution failed after the bank took the transfer and the fund was drawn", async () => {
    // Prepare: the bank's front end answers instructions with a maintenance page
    frontEnd.maintenancePage = true;
    const officer = await world.signIn("officer-chengguan-1");
    failed = await fileAndWait(world, officer, filing());
    const approver = await world.signIn("approver-chengguan");

    // Act
    const approved = await approver.post(
      `/cases/${failed}/advance-decision`,
      { decision: "approve", amountYuan: "500.00" },
      key("approve-redrive"),
    );
    expect(approved.status, approved.text).toBe(200);
    await world.eventually(async () => (await status(`${failed}-1`)) === "FAILED", "the execution to fail");

    // Assess
    const record = await world.deps.cases.get(failed);
    expect(record.status).toBe("incident");
    expect(record.flags.incident).toBe("BankProtocolError");
    expect(world.bank.simulator.transfers().filter((t) => t.request.reference === failed)).toHaveLength(1);
    expect((await caseEntries(world, TOWNSHIP, failed)).map((e) => e.kind)).toEqual(["draw"]);
    frontEnd.maintenancePage = false;
  });

  it("is not restarted while it runs: refused in both languages, nothing started or written", async () => {
    // Prepare: another case, waiting for its advance decision (its execution runs)
    const officer = await world.signIn("officer-chengguan-2");
    running = await fileAndWait(
      world,
      officer,
      filing({
        applicant: {
          name: "李娜",
          document: { type: "resident-id", number: "110105198502024563" },
          phone: "13812345679",
          registration: { countyCode: "110105" },
        },
        bankAccount: { holderName: "李娜", bankName: "农村信用社", account: "6217000002024563" },
      }),
    );
    // The opened task's deadline is on the case: nothing else writes it until a person acts
    const before = await world.eventually(async () => {
      const record = await world.deps.cases.get(running);
      return record.dueAt ? record : undefined;
    }, "the advance decision's deadline on the case");

    // Act
    const refused = await redriveCase(redriveDeps(), {
      caseId: running,
      reason: "误操作测试",
      operator: { userId: "ops-1" },
    }).catch((error: unknown) => error);
    const viaCli = await cli("case", "redrive", running, "--reason", "误操作测试", "--user", "ops-1");

    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as ConflictError).statusCode).toBe(409);
    expect((refused as ConflictError).messageZh).toBe("该案件正在办理中，无需重新启动");
    expect(viaCli.code).toBe(1);
    expect(viaCli.err).toContain("该案件正在办理中，无需重新启动");
    expect(await status(`${running}-1`)).toBe("RUNNING");
    expect(await status(`${running}-2`)).toBeUndefined();
    expect(await world.deps.cases.get(running)).toEqual(before);
    expect(await redrives(running)).toEqual([]);
  });

  it("says where it would resume on a dry run, and needs a reason", async () => {
    // Act
    const dryRun = await cli("case", "redrive", failed, "--reason", "银行接口已恢复", "--dry-run");
    const noReason = await cli("case", "redrive", failed, "--reason", " ");

    // Assess
    expect(dryRun.code, dryRun.err).toBe(0);
    expect(dryRun.out).toContain(`would start ${failed}-2 at PayAid after ${failed}-1 FAILED`);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain("重新启动案件须填写原因");
    expect(await status(`${failed}-2`)).toBeUndefined();
    expect(await redrives(failed)).toEqual([]);
  });

  it("restarted by two operators at once: one new execution, the other told it is already running", async () => {
    // Prepare: both operators reach the start before either starts
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothThere = new Promise<void>((resolve) => {
      release = resolve;
    });
    const port = stepFunctions(world.sfn);
    const barrier: RedriveDeps["workflow"] = {
      async startExecution(request) {
        arrived += 1;
        if (arrived === 2) release();
        await bothThere;
        return port.startExecution(request);
      },
    };

    // Act
    const results: RedriveResult[] = await Promise.all(
      ["ops-1", "ops-2"].map((userId) =>
        redriveCase(redriveDeps({ workflow: barrier }), {
          caseId: failed,
          reason: "银行接口已恢复，重新发放",
          operator: { userId, name: userId === "ops-1" ? "运维一" : "运维二" },
        }),
      ),
    );

    // Assess
    expect(results.map((r) => r.outcome).sort()).toEqual(["already-running", "started"]);
    expect(results.every((r) => r.to.name === `${failed}-2` && r.resumeAt === "PayAid")).toBe(true);
    expect(await status(`${failed}-2`)).toBe("RUNNING");
    expect(await status(`${failed}-3`)).toBeUndefined();
    const audited = await redrives(failed);
    expect(audited).toHaveLength(1);
    expect(audited[0]?.reason).toBe("银行接口已恢复，重新发放");
    expect(audited[0]?.after).toEqual({ execution: `${failed}-2`, resumeAt: "PayAid" });
    // A third operator later: the case runs again, so it is refused
    const later = await cli("case", "redrive", failed, "--reason", "再试一次");
    expect(later.code).toBe(1);
  });

  it("continues from the payment step: the same transfer is confirmed, paid once, then closed", async () => {
    // Act: the bank settles the one transfer it holds; paperwork and the follow-up close the case
    // The payment step of the new execution holds the attempt's token again once it marks the case paying
    await world.eventually(async () => {
      const record = await world.deps.cases.get(failed);
      return record.executionName === `${failed}-2` && record.status === "paying";
    }, "the new execution to adopt the case and resume the payment");
    await world.bank.simulator.flush();
    await world.openTask(failed, "paperwork");
    const officer = await world.signIn("officer-chengguan-1");
    await paperworkThenFollowUp(world, officer, failed, {
      close: { summary: "先行救助已解决临时困难，结案" },
    });
    await world.eventually(async () => (await status(`${failed}-2`)) === "SUCCEEDED", "the case to close");

    // Assess
    const record = await world.deps.cases.get(failed);
    expect(record.status).toBe("closed");
    expect(record.executionName).toBe(`${failed}-2`);
    expect(record.flags.incident).toBeUndefined();
    expect(record.outcome?.totalPaidYuan).toBe("500.00");
    const payment = await world.deps.payments.getPayment(`${failed}.advance`);
    expect(payment?.obligation.status).toBe("paid");
    expect(payment?.attempts.map((a) => a.status)).toEqual(["confirmed"]);
    expect(world.bank.simulator.transfers().filter((t) => t.request.reference === failed)).toHaveLength(1);
    expect(
      (await caseEntries(world, TOWNSHIP, failed)).map((e) => `${e.kind}:${e.amountYuan.toString()}`),
    ).toEqual(["draw:500.00"]);
    expect(await status(`${failed}-1`)).toBe("FAILED");
  });

  it("is not restarted once withdrawn, though its execution was stopped", async () => {
    // Prepare: the applicant's officer withdraws the other case on her behalf (its execution is ABORTED)
    const officer = await world.signIn("officer-chengguan-2");
    const withdrawn = await officer.post(
      `/cases/${running}/withdraw`,
      { reason: "申请人已获亲属资助，申请撤回" },
      key("withdraw-redrive"),
    );
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await world.eventually(async () => (await status(`${running}-1`)) === "ABORTED", "the execution to stop");

    // Act
    const refused = await cli("case", "redrive", running, "--reason", "误撤回，重新办理");

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("该案件已结束（已办结、已撤回或未予救助），不能重新启动");
    expect(await status(`${running}-2`)).toBeUndefined();
    expect((await world.deps.cases.get(running)).status).toBe("withdrawn");
    expect(await redrives(running)).toEqual([]);
  });
});
