/**
 * Where the synth-time API document lives (kept out of the bundles for their size). The OpenApi
 * Lambda serves `openapi.json` from its own asset directory instead of loading every handler module
 * at cold start; the CDK writes that file after bundling with the command below, and the bundle
 * bench runs the same command. No imports here: infra and the bench read this module cheaply.
 */

/** The catalog entry whose bundle ships the document. */
export const API_DOCUMENT_ENTRY = "functions/handlers/openapi.ts";

/** File name next to the bundle's `index.mjs`. */
export const API_DOCUMENT_FILE = "openapi.json";

/** The script that writes the document, relative to the repository root. */
export const API_DOCUMENT_WRITER = "functions/http/write-api-document.ts";

/** The shell command that writes the document into a bundle's output directory. */
export function writeApiDocumentCommand(projectRoot: string, outputDir: string): string {
  return `node --import tsx "${projectRoot}/${API_DOCUMENT_WRITER}" "${outputDir}/${API_DOCUMENT_FILE}"`;
}
