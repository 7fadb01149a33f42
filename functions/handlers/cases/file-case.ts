/**
 * `POST /cases` — file an application (DOMAIN §3.1), by the applicant or by a township officer on
 * their behalf. 201 with the new case; 200 with the existing case when the same person already has
 * an open case for the same cause (the `Idempotency-Key` replay is the framework's).
 */
import { created, httpHandler, ok } from "#functions/http/index.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { FileCaseSchema, fileCase } from "#functions/services/filing.ts";

export const handler = httpHandler({
  route: "POST /cases",
  body: FileCaseSchema,
  actions: ["case.file", "case.fileOnBehalf"],
  summary: "File an application for temporary assistance (Flow A)",
  description:
    "At the township of the emergency. Household registration is recorded, never used to decide. The same person + cause while a case is open returns that case (200).",
  tags: ["cases"],
  handler: async ({ body, actor, correlationId }) => {
    const result = await fileCase(flowDeps(), actor, body, correlationId);
    return result.existing ? ok(result) : created(result);
  },
});
