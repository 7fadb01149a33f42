/**
 * Writes the consoles' screenshots to docs/screenshots/ (zh-CN, Asia/Shanghai), each console at both
 * sizes: desktop 1440×900 and phone 390×844. The browser tests that walk each console take them as
 * they go, so a screenshot always shows a page state a test checked (axe, readable text).
 * Usage: `npx tsx scripts/screenshots.ts`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONSOLE_TESTS = [
  "test/browser/roles-landing.test.ts",
  "test/browser/approver-journey.test.ts",
  "test/browser/finance-reconcile.test.ts",
  "test/browser/paging.test.ts",
  "test/browser/co-sign.test.ts",
  "test/browser/county-overdue.test.ts",
  "test/browser/applicant-journey.test.ts",
  "test/browser/console-sizes.test.ts",
  "test/browser/province-rollup.test.ts",
  "test/browser/admin-console.test.ts",
  "test/browser/admin-setup.test.ts",
  "test/browser/admin-import.test.ts",
];

const run = spawnSync("npx", ["vitest", "run", ...CONSOLE_TESTS], {
  cwd: REPO_ROOT,
  stdio: "inherit",
  env: { ...process.env, AIDFLOW_DOCS_SCREENSHOTS: "1" },
});
process.exit(run.status ?? 1);
