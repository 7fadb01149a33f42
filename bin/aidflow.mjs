#!/usr/bin/env node
// The AidFlow CLI for batch work (local/cli/main.ts): TypeScript run through tsx, no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../local/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
