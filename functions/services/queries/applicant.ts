/**
 * The applicant's own pages (DOMAIN §1: "see their own cases and payments"): `GET /me/cases` — each
 * case with its status, the next step and by when, and whether it may still be withdrawn — and
 * `GET /me/payments` — every payment with amount, method, status and the account masked. Read from
 * the applicant index of functions/adapters/case-store.ts (gsi2 `CASES#APPLICANT#<userId>`, sort key
 * `<filedAt>#<caseId>`), newest first. Cases an officer filed on someone's behalf carry no applicant
 * account and are not listed here (the officer's console shows them).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import type { PaymentAttempt } from "#adapters/payments/payment-store.ts";
import type { Actor } from "#core/access/index.ts";
import { type PaymentRowObligation, paymentRow } from "#core/cases/payment-row.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import type { ApplicantCase, MyPayment } from "../case-answers.ts";
import { applicantCaseView } from "./case-views.ts";
import { townshipNames } from "./directory.ts";
import { CursorQuery, decodeCursor, encodeCursor, LimitQuery, type Page, queryDigest } from "./pagination.ts";
import { paymentPurposesOf, withdrawalRefusal } from "./withdrawal.ts";

/** Cases one `/me/payments` request looks into (each has a few payments at most). */
const PAYMENT_CASES_PER_REQUEST_MAX = 20;

export const MyListQuery = z.object({ limit: LimitQuery, cursor: CursorQuery }).strict();
export type MyListQuery = z.output<typeof MyListQuery>;

export interface ApplicantDeps {
  flow: FlowDeps;
  db: DynamoDBDocumentClient;
  table: string;
}

export async function myCases(
  deps: ApplicantDeps,
  actor: Actor,
  query: MyListQuery,
): Promise<Page<ApplicantCase>> {
  const digest = queryDigest({ route: "GET /me/cases", userId: actor.userId });
  const before = decodeCursor(query.cursor, digest);
  const { records, more } = await deps.flow.cases.byApplicant(actor.userId, query.limit, before);
  const now = deps.flow.now();
  const names = await townshipNames(
    deps,
    records.map(({ record }) => record.townshipId),
  );
  const items = [];
  for (const { record } of records) {
    const tasks = await deps.flow.tasks.forCase(record.caseId);
    items.push(applicantCaseView(record, tasks, withdrawalRefusal(record) === undefined, now, names));
  }
  const last = records.at(-1);
  return { items, ...(more && last ? { nextCursor: encodeCursor(digest, last.sortKey) } : {}) };
}

export type { MyPayment } from "../case-answers.ts";

/** A payment row of the applicant's list: core's mapping, typed as the answer declares it. */
function paymentItem(
  caseId: string,
  obligation: PaymentRowObligation & { status: MyPayment["status"] },
  attempts: readonly PaymentAttempt[],
): MyPayment {
  return paymentRow(caseId, obligation, attempts);
}

/**
 * The applicant's payments, newest case first. A page ends after a whole case (a case's payments are
 * never split), so it may hold a few more than `limit`.
 */
export async function myPayments(
  deps: ApplicantDeps,
  actor: Actor,
  query: MyListQuery,
): Promise<Page<MyPayment>> {
  const digest = queryDigest({ route: "GET /me/payments", userId: actor.userId });
  let before = decodeCursor(query.cursor, digest);
  const items: MyPayment[] = [];
  let casesRead = 0;
  for (;;) {
    const batch = Math.min(query.limit, PAYMENT_CASES_PER_REQUEST_MAX - casesRead);
    const { records, more } = await deps.flow.cases.byApplicant(actor.userId, batch, before);
    for (const { record, sortKey } of records) {
      for (const purpose of paymentPurposesOf(record)) {
        const payment = await deps.flow.payments.getPayment(obligationIdFor(record.caseId, purpose));
        if (payment) items.push(paymentItem(record.caseId, payment.obligation, payment.attempts));
      }
      casesRead += 1;
      before = sortKey;
      if (items.length >= query.limit || casesRead >= PAYMENT_CASES_PER_REQUEST_MAX) {
        const moreAfterThis = more || record !== records.at(-1)?.record;
        return { items, ...(moreAfterThis ? { nextCursor: encodeCursor(digest, sortKey) } : {}) };
      }
    }
    if (!more) return { items };
  }
}
