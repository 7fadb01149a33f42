/**
 * `npm start`: the embedded runtime on disk under `.data/` (a restart keeps everything and resumes
 * unfinished executions). Options:
 *   --clock-speed <n>  virtual seconds per real second (1 = real time; 3600 = an hour a second)
 *   --port <n>         port of the HTTP API and the web consoles
 *   --bank-port <n>    port of the bank simulator (default: a free port)
 *   --sms-port <n>     port of the SMS simulator (default: a free port)
 *   --no-web           skip building/serving the web consoles
 *   --sfn-port <n>     port of the local Step Functions endpoint (default: a free port)
 *   --data-dir <dir>   where data lives (default .data)
 *   --console-origin <url...>  origins of consoles served elsewhere (Vite's dev server,
 *                      http://localhost:5173) that the local sign-in may return to
 */
import { createServer } from "node:net";
import { Command, InvalidArgumentError } from "commander";
import { alertDeps } from "#functions/handlers/alerts.ts";
import { requiresMfa } from "#functions/http/actor.ts";
import { derivedLocalKey } from "#functions/runtime/field-encryption.ts";
import { escalateAllOverdueAlerts } from "#functions/services/alerts/verification.ts";
import { flowDeps } from "#functions/services/deps.ts";
import {
  REMINDER_SCHEDULE_MINUTES,
  sendAllDeadlineReminders,
} from "#functions/services/messages/reminders.ts";
import { storeDailyRollups } from "#functions/services/province/daily-rollup.ts";
import { rollupDeps } from "#functions/services/province/deps.ts";
import { demoTotpSecret } from "./oidc/totp.ts";
import { DEMO_COUNTY_SHEETS, SECOND_DEMO_COUNTY_SHEETS } from "./seed/demo-counties.ts";
import { seedSecondDemoCounty } from "./seed/seed.ts";
import { DEMO_USERS } from "./seed/users.ts";
import { startLocalCounty } from "./services.ts";
import { startLocalSms } from "./sms-simulator/service.ts";
import { ensureWebBuild } from "./web-build.ts";

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("must be a positive number");
  return parsed;
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
    throw new InvalidArgumentError("must be a port number");
  return parsed;
}

/** An origin (scheme, host, port; nothing after) that the local sign-in may send a browser back to. */
function origin(value: string, previous: string[] = []): string[] {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidArgumentError("must be an origin such as http://localhost:5173");
  }
  if (parsed.origin !== value.replace(/\/$/, "") || !/^https?:$/.test(parsed.protocol))
    throw new InvalidArgumentError("must be an origin such as http://localhost:5173");
  return [...previous, parsed.origin];
}

const program = new Command()
  .name("aidflow-local")
  .description(
    "AidFlow embedded runtime: DynamoDB Local, the state machines and their handlers on one machine",
  )
  .option("--clock-speed <n>", "virtual seconds per real second (1 = real time)", positiveNumber, 1)
  .option("--port <n>", "HTTP API and web consoles port", port, 3000)
  .option("--bank-port <n>", "bank simulator port (0 = any free port)", port, 0)
  .option("--sms-port <n>", "SMS simulator port (0 = any free port)", port, 0)
  .option("--sfn-port <n>", "Step Functions endpoint port (0 = any free port)", port, 0)
  .option("--data-dir <dir>", "data directory", ".data")
  .option("--no-web", "do not build or serve the web consoles")
  .option(
    "--console-origin <url...>",
    "origins of consoles served elsewhere (vite dev) that may sign in",
    origin,
  )
  .parse();

const options = program.opts<{
  clockSpeed: number;
  port: number;
  bankPort: number;
  smsPort: number;
  sfnPort: number;
  dataDir: string;
  web: boolean;
  consoleOrigin?: string[];
}>();

/** Whether 127.0.0.1:`port` can be listened on; any error but "taken" is left to the real start. */
function portIsTaken(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE"));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
}

function portTakenMessage(port: number, option = "--port"): string {
  const example = `npm start -- ${option} ${port === 65_535 ? port - 1 : port + 1}`;
  return (
    `端口 ${port} 已被占用，请用 ${option} 换一个端口（如 ${example}）。` +
    ` Port ${port} is already in use; pick another with ${option} (e.g. ${example}).\n`
  );
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
}

// Checked before anything starts, so a taken port leaves no DynamoDB Local or build behind.
if (await portIsTaken(options.port)) {
  process.stderr.write(portTakenMessage(options.port));
  process.exit(1);
}

const web = options.web ? await ensureWebBuild({ quiet: true }) : undefined;

const county = await startLocalCounty({
  dataDir: options.dataDir,
  // The demo counties are onboarded through the county import service (local/seed/seed.ts), not
  // stored directly.
  demoCounty: false,
  clock: options.clockSpeed === 1 ? { mode: "real" } : { mode: "accelerated", speed: options.clockSpeed },
  sfnPort: options.sfnPort,
  apiPort: options.port,
  bankPort: options.bankPort,
  ...(web ? { webRoot: web.distDir } : {}),
  ...(options.consoleOrigin ? { consoleOrigins: options.consoleOrigin } : {}),
}).catch((error: unknown) => {
  // Taken between the check and the start (another process was quicker): the same one line.
  if (!isAddressInUse(error)) throw error;
  const port = Number((error as { port?: unknown }).port ?? options.port);
  const option =
    port === options.bankPort ? "--bank-port" : port === options.sfnPort ? "--sfn-port" : "--port";
  process.stderr.write(portTakenMessage(port, option));
  process.exit(1);
});
const runtime = county.runtime;
// 示例县 was onboarded by the runtime's demo seed; the second county of the province likewise.
await seedSecondDemoCounty({
  client: runtime.dynamo,
  tables: runtime.tables,
  nowMs: () => runtime.clock.nowMs(),
});
// Texts go to the SMS simulator: the dispatcher polls the message store (local/sms-simulator/service.ts).
const sms = await startLocalSms({
  dynamo: runtime.dynamo,
  tables: runtime.tables,
  clock: runtime.clock,
  hashKey: county.secrets.identityHashKey,
  // The runtime's field key: derived from the payee hash secret, as the flows' is (services/deps.ts).
  fieldKey: { kind: "local", key: derivedLocalKey(county.secrets.payeeHashSecret) },
  // The deadline reminders' scan, hourly in business time (AWS: DeadlineReminders' schedule).
  scheduled: {
    // The same scan escalates the early warnings whose verification deadline passed, and stores each
    // county's province roll-up of the day (AWS: DailyRollup's schedule, also hourly).
    run: async () => {
      const reminders = await sendAllDeadlineReminders(flowDeps());
      await escalateAllOverdueAlerts(alertDeps());
      await storeDailyRollups(rollupDeps());
      return reminders;
    },
    scanEveryMs: REMINDER_SCHEDULE_MINUTES * 60_000,
  },
  ...(options.smsPort ? { port: options.smsPort } : {}),
  onError: (error) => console.error("SMS dispatcher:", error),
});

const lines = [
  "AidFlow local runtime is up — 临时救助本地运行环境已启动",
  `  web consoles       ${county.apiUrl}/  (sign in as any demo user below — 选择下列演示用户登录)`,
  `  HTTP API           ${county.apiUrl}  (health ${county.apiUrl}/health, API docs ${county.apiUrl}/docs)`,
  `  bank simulator     ${county.bankUrl}`,
  `  SMS simulator      ${sms.url}/  (every text sent, with its delivery status — 短信模拟器)`,
  `  data directory     ${runtime.dataDir}`,
  `  clock              ${runtime.clock.mode}${runtime.clock.mode === "accelerated" ? ` ×${runtime.clock.speed}` : ""}, now ${new Date(runtime.clock.nowMs()).toISOString()}`,
  `  DynamoDB Local     ${runtime.dynamoEndpoint} (tables ${runtime.tables.main}, ${runtime.tables.ledger})`,
  `  Step Functions     ${runtime.sfnEndpoint} (AWS_ENDPOINT_URL_SFN)`,
  ...Object.entries(runtime.stateMachines).map(([name, arn]) => `  state machine      ${name}: ${arn}`),
  ...(runtime.resumed.length > 0
    ? [`  resumed            ${runtime.resumed.length} unfinished execution(s)`]
    : []),
  ...[DEMO_COUNTY_SHEETS, SECOND_DEMO_COUNTY_SHEETS].map(
    (c) =>
      `  demo county        ${c.name} ${c.countyId}: ${c.townships.map((t) => `${t.name} ${t.townshipId}`).join(", ")} (onboarded by county import)`,
  ),
  `  sign-in (OIDC)     ${county.apiUrl}/oidc (code + PKCE; the consoles' sign-in page lists the demo users)`,
  "  demo users: staff then enter the TOTP code of their authenticator — the local sign-in page shows it,",
  "  or add the secret below to an authenticator app (工作人员需输入动态验证码，本地登录页会显示；也可将密钥添加到验证器应用).",
  '  scripts: POST /dev/sign-in {"userId","totp"} returns a token',
  ...DEMO_USERS.map(
    (u) =>
      `    ${u.userId.padEnd(22)} ${u.name}  ${u.descriptionZh}${requiresMfa(u.roles) ? `  TOTP ${demoTotpSecret(u.userId)}` : ""}`,
  ),
  "Press Ctrl+C to stop.",
];
process.stdout.write(`${lines.join("\n")}\n`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping (running executions resume on the next start)…\n`);
    sms
      .stop()
      .then(() => county.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  });
}
