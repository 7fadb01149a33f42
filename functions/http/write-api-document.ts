/**
 * `node --import tsx functions/http/write-api-document.ts <file>`: writes the API document as JSON
 * (run by the CDK after bundling the OpenApi Lambda, and by the bundle bench).
 */
import { writeFile } from "node:fs/promises";
import { generateApiDocument } from "./api-document.ts";

const out = process.argv[2];
if (!out) {
  process.stderr.write("usage: write-api-document.ts <file>\n");
  process.exit(2);
}
await writeFile(out, JSON.stringify(await generateApiDocument()));
process.exit(0);
