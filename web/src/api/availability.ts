/**
 * Which endpoints the API serves, read once from its OpenAPI document (`GET /openapi.json`), so a
 * page can say "尚未开放" for an action the deployment does not offer instead of failing on click.
 */
import { get } from "./http.ts";

let paths: Promise<Record<string, Record<string, unknown>> | undefined> | undefined;

async function load(): Promise<Record<string, Record<string, unknown>> | undefined> {
  try {
    const document = await get<{ paths?: Record<string, Record<string, unknown>> }>("/openapi.json");
    return document.paths;
  } catch {
    return undefined;
  }
}

/**
 * Whether `METHOD /path/{param}` is served. Unknown (no document) counts as served: the call is
 * then tried and a missing route still answers 404 → "尚未开放".
 */
export async function isServed(method: string, pathTemplate: string): Promise<boolean> {
  paths ??= load();
  const known = await paths;
  if (!known) return true;
  return !!known[pathTemplate]?.[method.toLowerCase()];
}
