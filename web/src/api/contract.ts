/**
 * The request and answer types of a route, read from the generated API types (schema.ts): a client
 * module names the route and method, and a route whose schema changes changes its callers' types.
 */
import type { paths } from "./schema.ts";

type Method = "get" | "post" | "put" | "delete";

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The JSON answer of `M P` with status `S` (200 unless given). */
export type Answer<P extends keyof paths, M extends Method = "get", S extends number = 200> =
  Operation<P, M> extends { responses: { [K in S]: { content: { "application/json": infer T } } } }
    ? T
    : never;

/** The query parameters of `M P`. */
export type Query<P extends keyof paths, M extends Method = "get"> = NonNullable<
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never
>;

/** The JSON body of `M P`. */
export type Body<P extends keyof paths, M extends Method = "post"> =
  Operation<P, M> extends { requestBody?: { content: { "application/json": infer T } } } ? T : never;
