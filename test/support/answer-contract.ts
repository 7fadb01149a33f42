/**
 * Every answer a route declares (its response schema: the API document and the web's types come
 * from it) is checked against what the route really answered, in every end-to-end test: the test
 * client calls `checkDeclaredAnswer` on each 2xx JSON answer. A route that answers another shape
 * fails the test that met it, naming the route and the fields — the web would otherwise be typed
 * by a promise the API does not keep.
 */
import { declaredAnswers } from "#functions/http/openapi.ts";

function templateMatches(template: string, path: string): boolean {
  const t = template.split("/");
  const p = path.split("/");
  return t.length === p.length && t.every((part, i) => part.startsWith("{") || part === p[i]);
}

/** The declared route a request went to: literal segments beat parameters (`/cases/mine` over `/cases/{id}`). */
function routeOf(method: string, path: string): string | undefined {
  let best: { key: string; params: number } | undefined;
  for (const key of declaredAnswers().keys()) {
    const [m, template] = key.split(" ") as [string, string];
    if (m !== method || !templateMatches(template, path)) continue;
    const params = template.split("/").filter((part) => part.startsWith("{")).length;
    if (!best || params < best.params) best = { key, params };
  }
  return best?.key;
}

export function checkDeclaredAnswer(method: string, url: URL, status: number, body: unknown): void {
  if (status < 200 || status >= 300) return;
  const route = routeOf(method.toUpperCase(), url.pathname);
  if (!route) return;
  const schema = declaredAnswers().get(route);
  const result = schema?.safeParse(body);
  if (!result || result.success) return;
  const issues = result.error.issues
    .slice(0, 8)
    .map((issue) => `${issue.path.join(".") || "(answer)"}: ${issue.message}`)
    .join("; ");
  throw new Error(`${route} answered ${status} with a shape its declared schema refuses — ${issues}`);
}
