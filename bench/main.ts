/**
 * How a bench file runs as a command (`npx tsx bench/…/x.ts`) while other benches import it: its
 * `main` runs only when node was started with that file, and the process ends with main's outcome
 * (the local county's timers and sockets would otherwise keep it alive).
 */
import { pathToFileURL } from "node:url";

export function runAsCommand(moduleUrl: string, main: () => Promise<void>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
