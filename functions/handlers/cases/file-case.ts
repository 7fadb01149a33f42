/**
 * `POST /cases` — file an application (DOMAIN §3.1), by the applicant or by a township officer on
 * their behalf. 201 with the new case; 200 with the existing case when the same person (or someone of
 * the household) has an open case for the same cause and the caller may read it, 409 without it when
 * the caller may not (the `Idempotency-Key` replay is the framework's).
 */
import { created, httpHandler, ok } from "#functions/http/index.ts";
import { flowDeps, forInvocation } from "#functions/services/deps.ts";
import { FileCaseResultSchema, fileCase } from "#functions/services/flow-a/filing.ts";
import { FileCaseSchema, filingActor } from "#functions/services/steps/filing.ts";

export const handler = httpHandler({
  route: "POST /cases",
  body: FileCaseSchema,
  actions: ["case.file", "case.fileOnBehalf"],
  summary: "File an application for temporary assistance (Flow A)",
  description:
    "At the township of the emergency. Household registration is recorded, never used to decide. The same person or household member + cause while a case is open returns that case (200) to a caller who may read it, and 409 without the case to anyone else. A household aided for the same cause within the policy window (counted from payment) is refused (422). An identity without a document is attested only by the filing officer of the township (an applicant: 403).",
  tags: ["cases"],
  response: {
    status: 201,
    schema: FileCaseResultSchema,
    description: "The new case (200 with the same shape: the open case of the same person and cause)",
  },
  handler: async ({ body, actor, correlationId }) => {
    const result = await fileCase(
      forInvocation(flowDeps()),
      filingActor(actor, body.townshipId),
      body,
      correlationId,
    );
    return result.existing ? ok(result) : created(result);
  },
});
