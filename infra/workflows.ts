/**
 * The list of workflows is data: one `{ name, file }` per ASL file in `workflows/` (ARCHITECTURE §3.9).
 * The CDK app builds one state machine per entry; tests pass fixtures instead. Node `fs` only, so the
 * local runtime may use the same discovery.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface WorkflowDefinition {
  /** Kebab-case name, the file name without `.asl.json` (e.g. `flow-a`); part of the state machine name. */
  name: string;
  /** Absolute path of the ASL file (JSONPath, not JSONata). */
  file: string;
}

const ASL_SUFFIX = ".asl.json";
const WORKFLOW_NAME = /^[a-z][a-z0-9-]*$/;

/** Every `*.asl.json` of `dir`, sorted by name; an absent folder means no workflows yet. */
export function discoverWorkflows(dir: string): WorkflowDefinition[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return files
    .filter((file) => file.endsWith(ASL_SUFFIX))
    .sort()
    .map((file) => {
      const name = file.slice(0, -ASL_SUFFIX.length);
      if (!WORKFLOW_NAME.test(name)) {
        throw new Error(`workflow file ${file}: the name must be kebab-case (${WORKFLOW_NAME.source})`);
      }
      return { name, file: path.join(dir, file) };
    });
}

/** The `${…}` placeholders an ASL file uses, each once, in order of first use. */
export function aslPlaceholders(file: string): string[] {
  const text = readFileSync(file, "utf8");
  // Fail here, with the file name, rather than at deploy time in CloudFormation.
  JSON.parse(text);
  const names = [...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string);
  return [...new Set(names)];
}

export { CONTINUATION_SUBSTITUTION, PARTITION_SUBSTITUTION } from "#workflows/substitutions.ts";

/** Physical state machine name: deterministic, so functions can be granted it without a cross-stack cycle. */
export function stateMachineName(prefix: string, workflowName: string): string {
  return `${prefix}${workflowName}`;
}

/**
 * The alias every execution starts through (filing, Flow A's hand-over, a loop's continue-as-new, a
 * redrive). Each deploy publishes a state machine version whose definition names the function
 * *versions* of that deploy, and moves the alias to it: an execution keeps the definition and the
 * handler code it started with for its whole life, and the next execution of the chain starts on
 * what the alias points at then.
 */
export const LIVE_ALIAS = "live";
