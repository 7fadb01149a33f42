/**
 * Where secrets and parameters come from (ARCHITECTURE §5.8). In AWS: Secrets Manager and SSM
 * Parameter Store through Powertools Parameters, cached. On the local runtime (AIDFLOW_RUNTIME=local):
 * a local stand-in, addressed by a reference in the same variable that carries the ARN in AWS:
 *
 * - `env:<NAME>`        the value of an environment variable of this process (what the local
 *                       runtime sets from `.data/secrets.json`);
 * - `file:<path>#<key>` one key of a JSON file such as `.data/secrets.json`.
 *
 * config.ts reads every stored value through `fetchStoredValue`, so handler code is the same in both.
 */
import { readFileSync } from "node:fs";
import type { StoredValue } from "./environment.ts";

/**
 * Values are read once per cold start (config.ts keeps them); the providers' cache only spares a
 * second call when several variables name the same secret. A new secret version reaches a function
 * at its next cold start.
 */
const CACHE_SECONDS = 900;

const LOCAL_REFERENCE = /^(env|file):/;

export function isLocalReference(id: string): boolean {
  return LOCAL_REFERENCE.test(id);
}

/** A local reference's value, or undefined when it names nothing. Synchronous: no network. */
export function readLocalReference(id: string, env: Record<string, string | undefined>): string | undefined {
  if (id.startsWith("env:")) return env[id.slice("env:".length)];
  if (id.startsWith("file:")) {
    const hash = id.lastIndexOf("#");
    if (hash < 0) throw new Error(`${id}: a file reference names its key after "#"`);
    const file = id.slice("file:".length, hash);
    const values = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const value = values[id.slice(hash + 1)];
    return typeof value === "string" ? value : undefined;
  }
  throw new Error(`${id} is not a local reference (env:<NAME> or file:<path>#<key>)`);
}

/** The value behind `id`: a Secrets Manager secret or an SSM parameter, or a local reference. */
export async function fetchStoredValue(
  kind: StoredValue["kind"],
  id: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  if (isLocalReference(id)) return readLocalReference(id, env);
  // Imported on demand: the local runtime and the tests never load the AWS clients for this.
  if (kind === "secret") {
    const { getSecret } = await import("@aws-lambda-powertools/parameters/secrets");
    const value = await getSecret(id, { maxAge: CACHE_SECONDS });
    return typeof value === "string"
      ? value
      : value === undefined
        ? undefined
        : Buffer.from(value).toString("utf8");
  }
  const { getParameter } = await import("@aws-lambda-powertools/parameters/ssm");
  return getParameter(id, { maxAge: CACHE_SECONDS });
}
