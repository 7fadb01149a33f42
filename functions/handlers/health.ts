/** `GET /health` (public): the API answers. Used by `npm start`'s banner, load balancers and tests. */
import * as z from "zod";
import { httpHandler } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";

const HealthSchema = z.object({ status: z.literal("ok"), service: z.string(), time: z.string() });

export const handler = httpHandler({
  route: "GET /health",
  public: true,
  summary: "Health check",
  tags: ["system"],
  response: { status: 200, schema: HealthSchema },
  handler: async () => ({ status: "ok" as const, service: "aidflow", time: now().toISOString() }),
});
