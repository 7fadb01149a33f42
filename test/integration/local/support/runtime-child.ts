/**
 * The embedded runtime in its own process, on disk, for the durability test: started with
 * `node --import tsx runtime-child.ts <dataDir>`, it prints one JSON line when ready and stops
 * cleanly on SIGTERM. The test kills it with SIGKILL in the middle of a task-token wait.
 */
import { startLocalRuntime } from "../../../../local/runtime.ts";
import { FIXTURE_FUNCTIONS, FIXTURE_WORKFLOWS } from "../../../fixtures/handlers/functions.ts";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: runtime-child.ts <dataDir>");

const runtime = await startLocalRuntime({
  dataDir,
  tablePrefix: "durable-",
  clock: { mode: "real" },
  workflows: [FIXTURE_WORKFLOWS.review],
  functions: FIXTURE_FUNCTIONS,
});
process.stdout.write(
  `${JSON.stringify({
    sfnEndpoint: runtime.sfnEndpoint,
    dynamoEndpoint: runtime.dynamoEndpoint,
    tables: runtime.tables,
    stateMachines: runtime.stateMachines,
    resumed: runtime.resumed,
  })}\n`,
);
process.once("SIGTERM", () => {
  runtime.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
