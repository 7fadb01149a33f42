/** The automatic steps of Flow A after the payment (functions/services/flow-a/steps.ts). */
import * as z from "zod";
import {
  closeCase,
  handOverToFlowB,
  planPaperwork,
  recordIncident,
  recordRecovery,
  recordReferrals,
} from "#functions/services/flow-a/steps.ts";
import { CaseTaskSchema, taskHandler } from "#functions/services/steps/task-handler.ts";

export const planPaperworkDeadline = taskHandler(CaseTaskSchema, (event, deps) =>
  planPaperwork(deps, event.caseId),
);

export const sendReferrals = taskHandler(CaseTaskSchema, (event, deps) =>
  recordReferrals(deps, event.caseId, event.correlationId),
);

export const returnRecoveryToFund = taskHandler(CaseTaskSchema, (event, deps) =>
  recordRecovery(deps, event.caseId, event.correlationId),
);

export const handOver = taskHandler(CaseTaskSchema, (event, deps) =>
  handOverToFlowB(deps, event.caseId, event.correlationId),
);

export const close = taskHandler(CaseTaskSchema, (event, deps) =>
  closeCase(deps, event.caseId, event.correlationId),
);

const IncidentSchema = CaseTaskSchema.extend({
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

export const incident = taskHandler(IncidentSchema, (event, deps) =>
  recordIncident(deps, event.caseId, event.correlationId, event.error),
);
