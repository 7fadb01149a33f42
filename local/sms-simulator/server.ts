/**
 * The SMS simulator's loopback HTTP API and its page:
 *
 *   GET  /                 短信模拟器: every message received, newest first, with its delivery status (zh-CN)
 *   POST /v1/sms           send one message (functions/adapters/sms/simulator.ts is the client)
 *   GET  /v1/messages      the same list as JSON
 *   POST /v1/replies       {phone, text}: a reply from a phone (TD/退订 opts out)
 *   GET  /admin/knobs · POST /admin/knobs (partial)    POST /admin/flush (report pending receipts now)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { maskPhone } from "#core/identity/masking.ts";
import { parseJson, readBody, send } from "#local/http/simulator-io.ts";
import {
  type SimulatedSms,
  type SmsKnobs,
  SmsKnobsPatchSchema,
  SmsRequestSchema,
  SmsSimulator,
  type SmsSimulatorCallbacks,
} from "./simulator.ts";

export interface StartSmsSimulatorOptions {
  /** Fixed port; omitted or 0 = a free port. Always bound to 127.0.0.1. */
  port?: number;
  callbacks: SmsSimulatorCallbacks;
  knobs?: Partial<SmsKnobs>;
  seed?: number;
}

export interface RunningSmsSimulator {
  /** Base URL for `SimulatorSmsChannel` and the page, e.g. `http://127.0.0.1:41235`. */
  url: string;
  simulator: SmsSimulator;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;
/** Rows the page shows (the newest). */
const PAGE_ROWS_MAX = 500;

export async function startSmsSimulator(options: StartSmsSimulatorOptions): Promise<RunningSmsSimulator> {
  const simulator = new SmsSimulator(options.callbacks, options.knobs, options.seed);
  const server: Server = createServer((req, res) => {
    handle(simulator, req, res).catch((error: unknown) =>
      send(res, 500, { code: "ERROR", detail: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    simulator,
    async stop() {
      await simulator.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(simulator: SmsSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = req.method ?? "GET";
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return send(res, 413, { code: "TOO_LARGE", detail: "body too large" });
  const route = `${method} ${url.pathname}`;
  switch (route) {
    case "GET /":
      return html(res, page(simulator.messages().slice(0, PAGE_ROWS_MAX), simulator.knobs));
    case "POST /v1/sms": {
      const parsed = SmsRequestSchema.safeParse(parseJson(body));
      if (!parsed.success)
        return send(res, 400, { code: "INVALID_REQUEST", detail: z.prettifyError(parsed.error) });
      const answer = simulator.send(parsed.data);
      if (answer.status === 200) return send(res, 200, { smsId: answer.smsId });
      if (answer.status === 429) return send(res, 429, { code: answer.code, detail: answer.detail });
      return send(res, 400, answer.body);
    }
    case "GET /v1/messages":
      return send(res, 200, simulator.messages());
    case "POST /v1/replies": {
      const parsed = z
        .object({ phone: z.string().min(1).max(20), text: z.string().max(200) })
        .safeParse(parseJson(body));
      if (!parsed.success)
        return send(res, 400, { code: "INVALID_REQUEST", detail: z.prettifyError(parsed.error) });
      await simulator.reply(parsed.data.phone, parsed.data.text);
      return send(res, 200, { ok: true });
    }
    case "GET /admin/knobs":
      return send(res, 200, simulator.knobs);
    case "POST /admin/knobs": {
      const parsed = SmsKnobsPatchSchema.safeParse(parseJson(body));
      if (!parsed.success)
        return send(res, 400, { code: "INVALID_REQUEST", detail: z.prettifyError(parsed.error) });
      try {
        return send(res, 200, simulator.setKnobs(parsed.data));
      } catch (error) {
        return send(res, 400, { code: "INVALID_REQUEST", detail: String(error) });
      }
    }
    case "POST /admin/flush":
      return send(res, 200, { reported: await simulator.flush() });
    default:
      return send(res, 404, { code: "NOT_FOUND", detail: route });
  }
}

const STATUS_ZH: Record<SimulatedSms["status"], string> = {
  accepted: "已接收，等待回执",
  delivered: "已送达",
  failed: "未送达",
  throttled: "触发流控，已拒绝",
  "invalid-number": "号码无效，已拒绝",
};

const TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  month: "long",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: zh-CN, times in Asia/Shanghai, numbers masked, no internal codes in the visible text. */
export function page(messages: readonly SimulatedSms[], knobs: SmsKnobs): string {
  const rows = messages
    .map(
      (m) =>
        `<tr class="status-${m.status}"><td>${escapeHtml(TIME.format(m.receivedAtMs))}</td>` +
        `<td>${escapeHtml(maskPhone(m.request.phoneNumber))}</td>` +
        `<td>${escapeHtml(m.request.signedText)}</td><td>${STATUS_ZH[m.status]}</td></tr>`,
    )
    .join("\n");
  const percent = (rate: number) => `${Math.round(rate * 100)}%`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>短信模拟器</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:1.5rem;color:#1f2329}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dee0e3;padding:.5rem;text-align:left;vertical-align:top}
.status-delivered td:last-child{color:#1a7f37}.status-failed td:last-child,.status-invalid-number td:last-child{color:#b42318}</style>
</head><body><main>
<h1>短信模拟器</h1>
<p>本地运行环境发出的每一条短信及其送达状态（每 5 秒刷新）。共 ${messages.length} 条。</p>
<p>设置：未送达比例 ${percent(knobs.failureRate)}，流控比例 ${percent(knobs.throttleRate)}，回执延迟 ${knobs.minDelayMs}–${knobs.maxDelayMs} 毫秒。</p>
<table><thead><tr><th scope="col">收到时间</th><th scope="col">手机号</th><th scope="col">短信内容</th><th scope="col">状态</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">还没有短信。</td></tr>'}
</tbody></table></main></body></html>`;
}

function html(res: ServerResponse, text: string): void {
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
