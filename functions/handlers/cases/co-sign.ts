/**
 * The paperwork's co-signature (DOMAIN §3.4) and the officer list the paperwork form picks from:
 * parse (zod) → authorize (core/access) → functions/services/flow-a/co-signature.ts.
 */
import * as z from "zod";
import { bilingual, CaseParams, httpHandler, httpRouter } from "#functions/http/index.ts";
import { flowDeps, forInvocation } from "#functions/services/deps.ts";
import {
  CoSignResponseSchema,
  CoSignSchema,
  coSignPaperwork,
  PendingCoSignatureSchema,
  pendingCoSignature,
  TownshipOfficersSchema,
  townshipOfficers,
} from "#functions/services/flow-a/co-signature.ts";

const tags = ["flow-a"];

const TownshipParams = z.object({
  townshipId: z.string().regex(/^\d{9}$/, bilingual("a 9-digit township code", "须为 9 位乡镇代码")),
});

const coSign = httpHandler({
  route: "POST /cases/{caseId}/paperwork/co-sign",
  params: CaseParams,
  body: CoSignSchema,
  summary: "An investigator named on the paperwork confirms (or refuses) it with their own sign-in",
  description:
    "Township officer named as an investigator, other than the officer who recorded the paperwork. " +
    "When every such investigator has confirmed, the paperwork is decided and the case moves on; a " +
    "refusal sends the paperwork back to be recorded again. Not named: 403; twice: 409.",
  tags,
  action: "paperwork.coSign",
  response: { status: 200, schema: CoSignResponseSchema },
  handler: ({ params, body, actor, correlationId }) =>
    coSignPaperwork(forInvocation(flowDeps()), actor, params.caseId, body, correlationId),
});

const pending = httpHandler({
  route: "GET /cases/{caseId}/paperwork/co-sign",
  params: CaseParams,
  summary: "The recorded paperwork waiting for the other investigators' confirmation, if any",
  tags,
  action: "case.read",
  response: { status: 200, schema: PendingCoSignatureSchema },
  handler: ({ params, actor }) => pendingCoSignature(flowDeps(), actor, params.caseId),
});

const officers = httpHandler({
  route: "GET /townships/{townshipId}/officers",
  params: TownshipParams,
  summary: "Active officers of a township (the investigators the paperwork may name)",
  description: "Officers of that township only.",
  tags,
  action: "paperwork.record",
  response: { status: 200, schema: TownshipOfficersSchema },
  handler: ({ params }) => townshipOfficers(flowDeps(), params.townshipId),
});

export const handler = httpRouter(coSign, pending, officers);
