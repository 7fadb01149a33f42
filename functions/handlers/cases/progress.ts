/**
 * `GET /cases/{caseId}/progress` — where a case stands in Flow A: status, flags, deadline, the
 * decisions, the open and past human tasks (never their tokens), the payments (accounts masked) and
 * the notifications sent. Applicants see their own cases; staff their township; county the county.
 */
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { CaseParams, httpHandler } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { authorizeAnyOnCase } from "#functions/services/case-access.ts";
import { CaseProgressSchema } from "#functions/services/case-answers.ts";
import { caseTaskView, policyFacts, publicCaseView, smsContactView } from "#functions/services/case-view.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { caseNotifications } from "#functions/services/messages/case-notifications.ts";

export const handler = httpHandler({
  route: "GET /cases/{caseId}/progress",
  params: CaseParams,
  summary: "Where the case stands: status, deadline, decisions, tasks, payments, notifications",
  tags: ["flow-a"],
  response: { status: 200, schema: CaseProgressSchema },
  handler: async ({ params, actor }) => {
    const deps = flowDeps();
    const record = await deps.cases.get(params.caseId);
    authorizeAnyOnCase(actor, ["case.read", "case.readOwn"], record);
    const payments = [];
    for (const purpose of ["advance", "follow-up"]) {
      const payment = await deps.payments.getPayment(obligationIdFor(record.caseId, purpose));
      if (payment) payments.push(payment);
    }
    const tasks = await deps.tasks.forCase(record.caseId);
    const notifications = (await caseNotifications(deps, record)).map((n) => ({
      kind: n.kind,
      recipient: n.recipient,
      subjectZh: n.subjectZh,
      createdAt: n.createdAt,
    }));
    const policy = await deps.policy.resolveVersion(
      record.countyId,
      record.townshipId,
      record.policyVersionId,
    );
    const sms = new SmsDeliveryStore(dynamo(), config().tables.main, config().identityHashKey);
    const contact = smsContactView(await sms.reachability(record.countyId, record.caseId));
    return {
      case: publicCaseView(record),
      contact,
      policy: policyFacts(record, policy),
      tasks: tasks.map((t) => ({
        taskId: t.taskId,
        ...caseTaskView(t),
        decidedAt: t.decided?.decidedAt ?? null,
      })),
      payments,
      notifications,
    };
  },
});
