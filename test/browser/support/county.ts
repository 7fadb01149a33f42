/**
 * The whole local county for browser tests — exactly what `npm start` runs (local/services.ts:
 * runtime with the Flow A state machine, bank simulator, API serving the built consoles, demo funds
 * allocated to quota) — on this test run's DynamoDB Local with fresh prefixed tables, plus Chromium.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { inject } from "vitest";
import type { RuntimeClockOptions } from "#local/runtime.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { ensureWebBuild } from "#local/web-build.ts";
import { launchChromium } from "./browser.ts";

export interface BrowserCounty {
  county: LocalCounty;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserCounty(
  label: string,
  options: { clock?: RuntimeClockOptions } = {},
): Promise<BrowserCounty> {
  // Chromium first: without it the test fails at once with the install hint, before any server starts.
  const browser = await launchChromium();
  // In memory, the county keeps no documents folder of its own: uploads go to a temporary one.
  const documentsDir = await mkdtemp(join(tmpdir(), `aidflow-${label}-documents-`));
  const previousDocumentsDir = process.env.AIDFLOW_DOCUMENTS_DIR;
  process.env.AIDFLOW_DOCUMENTS_DIR = documentsDir;
  const restore = async () => {
    if (previousDocumentsDir === undefined) delete process.env.AIDFLOW_DOCUMENTS_DIR;
    else process.env.AIDFLOW_DOCUMENTS_DIR = previousDocumentsDir;
    await rm(documentsDir, { recursive: true, force: true });
  };
  try {
    const { distDir } = await ensureWebBuild({ quiet: true });
    const county = await startLocalCounty({
      dynamoEndpoint: inject("dynamoEndpoint"),
      tablePrefix: `${label}-${randomUUID().slice(0, 8)}-`,
      webRoot: distDir,
      clock: options.clock ?? { mode: "real" },
      workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
    });
    return {
      county,
      url: county.apiUrl,
      browser,
      close: async () => {
        await browser.close();
        await county.stop();
        await restore();
      },
    };
  } catch (error) {
    await browser.close();
    await restore();
    throw error;
  }
}
