/**
 * The whole local county (`startLocalCounty`, what `npm start` runs) in its own process, on disk:
 * `node --import tsx scripts/support/county-child.ts <dataDir> <apiPort> <bankPort>`. Prints one JSON
 * line when ready; stops cleanly on SIGTERM. `scripts/restart-surge.ts` kills it with SIGKILL.
 */
import { startLocalCounty } from "#local/services.ts";

const [dataDir, apiPort, bankPort] = process.argv.slice(2);
if (!dataDir || !apiPort || !bankPort)
  throw new Error("usage: county-child.ts <dataDir> <apiPort> <bankPort>");

const county = await startLocalCounty({
  dataDir,
  apiPort: Number(apiPort),
  bankPort: Number(bankPort),
  clock: { mode: "real" },
});
process.stdout.write(
  `${JSON.stringify({
    pid: process.pid,
    apiUrl: county.apiUrl,
    bankUrl: county.bankUrl,
    dynamoEndpoint: county.runtime.dynamoEndpoint,
    tables: county.runtime.tables,
    resumed: county.runtime.resumed.length,
  })}\n`,
);
process.once("SIGTERM", () => {
  county.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
