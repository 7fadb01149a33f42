/** The catalog's HTTP routes as matchers: `/cases/{caseId}/documents` → a regex with named groups. */
import { ValidationError } from "#core/errors.ts";
import type { FunctionDefinition } from "#functions/catalog.ts";

export interface CompiledRoute {
  fn: FunctionDefinition;
  method: string;
  path: string;
  routeKey: string;
  public: boolean;
  pattern: RegExp;
  paramNames: string[];
}

export function compileRoutes(functions: readonly FunctionDefinition[]): CompiledRoute[] {
  const routes: CompiledRoute[] = [];
  for (const fn of functions) {
    for (const route of fn.routes ?? []) {
      const paramNames: string[] = [];
      const source = route.path
        .split("/")
        .map((segment) => {
          const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          paramNames.push(param[1] as string);
          return param[2] === "+" ? "(.+)" : "([^/]+)";
        })
        .join("/");
      routes.push({
        fn,
        method: route.method,
        path: route.path,
        routeKey: `${route.method} ${route.path}`,
        public: route.public === true,
        pattern: new RegExp(`^${source}$`),
        paramNames,
      });
    }
  }
  // Literal segments win over parameters (as in API Gateway): fewer parameters first.
  return routes.sort((a, b) => a.paramNames.length - b.paramNames.length);
}

export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | { methodMismatch: boolean } {
  let methodMismatch = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method !== method) {
      methodMismatch = true;
      continue;
    }
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, index) => {
      params[name] = decodePathSegment(match[index + 1] ?? "");
    });
    return { route, params };
  }
  return { methodMismatch };
}

/** A malformed `%` escape is the caller's mistake (400), as API Gateway answers it — not a 500. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError("The path is not valid URL encoding", "请求路径编码不正确", {
      fields: [{ path: "path", message: "Malformed %-escape", messageZh: "路径中的 % 转义无效" }],
    });
  }
}
