/**
 * Prints the endpoint table of docs/api.md from the catalog, the registered routes and the permission
 * table: `npx tsx test/e2e/proofs/api-doc.ts`. Paste its output between the markers in docs/api.md.
 */
import { PERMISSIONS } from "#core/access/index.ts";
import { buildOpenApiDocument } from "#functions/http/index.ts";
import { loadCatalogRoutes } from "./catalog-routes.ts";

type Operation = { summary?: string };

export async function endpointTable(): Promise<string> {
  const { registered, unregistered } = await loadCatalogRoutes();
  const paths = (buildOpenApiDocument().paths ?? {}) as Record<string, Record<string, Operation>>;
  const rows = ["| method | path | action (`core/access`) | who may | what |", "|---|---|---|---|---|"];
  const all = [
    ...registered.map((r) => ({ method: r.method, path: r.path, public: r.public, action: r.action })),
    ...unregistered.map((r) => ({ method: r.method, path: r.path, public: r.public, action: undefined })),
  ].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const route of all) {
    const grants = route.action ? PERMISSIONS.filter((g) => g.action === route.action) : [];
    const who = route.public
      ? "anyone (public)"
      : grants.length > 0
        ? grants.map((g) => `${g.role} (${g.scope}${g.makerChecker ? `, ${g.makerChecker}` : ""})`).join("; ")
        : "checked in the handler";
    const summary = (paths[route.path]?.[route.method.toLowerCase()]?.summary ?? "").replaceAll("|", "\\|");
    rows.push(
      `| ${route.method} | \`${route.path}\` | ${route.action ? `\`${route.action}\`` : "—"} | ${who} | ${summary} |`,
    );
  }
  return rows.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await endpointTable());
}
