/**
 * `npm start` on a port that another process holds: one line in Chinese and English naming the port
 * and `--port`, exit code 1, and no stack trace.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

let blocker: Server;
let takenPort = 0;
const dataDir = mkdtempSync(join(tmpdir(), "aidflow-port-"));

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
  const address = blocker.address();
  if (!address || typeof address === "string") throw new Error("no port");
  takenPort = address.port;
});

afterAll(async () => {
  await new Promise<void>((done) => blocker.close(() => done()));
  rmSync(dataDir, { recursive: true, force: true });
});

function start(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "local/main.ts", ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`npm start did not exit on a taken port: ${stdout}${stderr}`));
    }, 45_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe("npm start on a busy port", () => {
  it("says in one line, in Chinese and English, that the port is taken and how to pick another, and exits 1", async () => {
    const { code, stdout, stderr } = await start([
      "--port",
      String(takenPort),
      "--no-web",
      "--data-dir",
      dataDir,
    ]);
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    const [line = ""] = lines;
    expect(line).toContain(`端口 ${takenPort} 已被占用`);
    expect(line).toContain(`Port ${takenPort} is already in use`);
    expect(line).toContain("--port");
    expect(stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    expect(stdout).not.toContain("is up");
  });
});
