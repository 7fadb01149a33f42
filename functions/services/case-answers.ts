/**
 * The shapes the case read routes answer (`GET /cases`, `/me/cases`, `/me/payments`,
 * `/cases/{caseId}/progress`, `/plans/{caseId}`, `/plans/{caseId}/notice`), declared once: the API
 * document, the web's types (web/src/api/schema.ts) and the end-to-end answer check read them.
 *
 * Answers pass the masking boundary (functions/http/masking.ts) after the handler: a personal field
 * may come back masked (any string) or left out (hidden from the reader), so such fields are plain
 * optional strings here, never patterns of the clear value. Objects are open: a field not declared
 * here may still be sent, but the web's types know only what is declared.
 */
import * as z from "zod";
import { CASE_STATES } from "#core/cases/index.ts";
import { type ApprovalLevel, WIRE_LEVEL } from "./flow-a/approval-levels.ts";

const Yuan = z.string().meta({ description: '2-decimal yuan, e.g. "1230.00"' });
const Json = z.record(z.string(), z.unknown());

const CaseStatus = z.enum(CASE_STATES);
const Hardship = z.object({ kind: z.enum(["urgent", "expenditure"]), cause: z.string() });
const TaskStatus = z.enum(["open", "decided", "completed", "superseded"]);

/** An open human step of a case (never its token). */
export const CaseStepSchema = z
  .object({
    taskType: z.string(),
    status: TaskStatus,
    assigneeRoles: z.array(z.string()),
    escalated: z.boolean(),
    overdue: z.boolean(),
    openedAt: z.string(),
    dueAt: z.string().nullable(),
  })
  .meta({ id: "CaseStep" });

/** A human task of the case, open or past, with who decided it. */
export const CaseTaskSchema = CaseStepSchema.extend({
  taskId: z.string().optional(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable().optional(),
  details: Json.optional(),
}).meta({ id: "CaseTask" });

/** The open step the case waits on, earliest deadline first, and who acts now. */
export const NextStepSchema = z
  .object({
    taskType: z.string(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    waitingOn: z.array(z.string()),
  })
  .meta({ id: "CaseNextStep" });

/** Amounts on the case as stored: requested, assessed, approved, planned, to recover. */
export const CaseAmountsSchema = z
  .object({
    requestedYuan: Yuan.optional(),
    assessedAdvanceYuan: Yuan.optional(),
    advanceApprovedYuan: Yuan.optional(),
    additionalAidApprovedYuan: Yuan.optional(),
    planTotalYuan: Yuan.optional(),
    recoveryReceivableYuan: Yuan.optional(),
  })
  .meta({ id: "CaseAmounts" });

const Document = z.object({
  type: z.string(),
  numberMasked: z.string().optional(),
  attestedBy: z.string().optional(),
});

/**
 * Household registration (户籍, DOMAIN §2.1): a reader who sees it masked gets the province only, a
 * reader it is hidden from gets none of it.
 */
const Registration = z
  .object({
    countyCode: z.string().optional(),
    province: z.string().optional(),
    description: z.string().optional(),
  })
  .meta({ id: "HouseholdRegistration" });

const HouseholdMember = z.object({
  name: z.string().optional(),
  relation: z.string(),
  document: Document.optional(),
});

const ListedCase = z.object({
  caseId: z.string(),
  countyId: z.string(),
  townshipId: z.string(),
  townshipName: z.string().nullable(),
  flow: z.enum(["A", "B"]),
  status: CaseStatus,
  hardship: Hardship,
  filedAt: z.string(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  escalated: z.boolean(),
  closedAt: z.string().optional(),
});

const FiledBy = z.object({
  userId: z.string(),
  onBehalf: z.boolean(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

const ListedPayout = z.object({
  method: z.enum(["bank", "cash", "none"]),
  bank: z.object({ bankName: z.string(), accountMasked: z.string().optional() }).optional(),
});

/** A case of `GET /cases` for township staff, county civil affairs and auditors. */
export const StaffCaseItemSchema = ListedCase.extend({
  applicant: z.object({
    name: z.string().optional(),
    document: Document.optional(),
    phoneMasked: z.string().optional(),
    address: z.string().optional(),
    registration: Registration.optional(),
    local: z.boolean().optional(),
    userId: z.string().optional(),
  }),
  description: z.string().optional(),
  amounts: CaseAmountsSchema,
  payout: ListedPayout,
  household: z.array(HouseholdMember).optional(),
  noDocument: z.boolean(),
  duplicateFilings: z.object({ count: z.number().int(), lastAt: z.string().optional() }).optional(),
  filedBy: FiledBy,
  handledBy: z.array(z.string()),
  nextStep: NextStepSchema.nullable(),
  tasks: z.array(CaseStepSchema),
}).meta({ id: "StaffCaseItem" });

/** A case of `GET /cases` for county finance: money and statistics, nothing personal. */
export const FinanceCaseItemSchema = ListedCase.extend({
  local: z.boolean(),
  amounts: CaseAmountsSchema,
  payout: z.object({ method: z.enum(["bank", "cash", "none"]) }),
}).meta({ id: "FinanceCaseItem" });

export const CaseListPageSchema = z.object({
  items: z.array(z.union([StaffCaseItemSchema, FinanceCaseItemSchema])),
  nextCursor: z.string().optional(),
  view: z.enum(["staff", "finance"]),
});

/** The applicant's own case (`GET /me/cases`), with the next step and whether it may be withdrawn. */
export const ApplicantCaseSchema = ListedCase.extend({
  description: z.string().optional(),
  amounts: CaseAmountsSchema,
  payout: ListedPayout,
  nextStep: NextStepSchema.nullable(),
  tasks: z.array(CaseStepSchema),
  withdrawable: z.boolean(),
}).meta({ id: "ApplicantCase" });

export const ApplicantCasePageSchema = z.object({
  items: z.array(ApplicantCaseSchema),
  nextCursor: z.string().optional(),
});

const OBLIGATION_STATUS = z.enum(["open", "instructed", "paid", "awaiting-reroute"]);
const ATTEMPT_STATUS = z.enum(["instructed", "confirmed", "failed", "cancelled"]);
const PAYMENT_METHOD = z.enum(["bank", "cash"]);

/** A payment of the applicant (`GET /me/payments`): amount, method, status, the account masked. */
export const MyPaymentSchema = z
  .object({
    paymentId: z.string(),
    caseId: z.string(),
    purpose: z.string(),
    amountYuan: Yuan,
    status: OBLIGATION_STATUS,
    method: PAYMENT_METHOD.nullable(),
    bankName: z.string().nullable(),
    accountMasked: z.string().nullable().optional(),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        method: PAYMENT_METHOD,
        status: ATTEMPT_STATUS,
        instructedAt: z.string(),
        settledAt: z.string().nullable(),
        reason: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "MyPayment" });
export type MyPayment = z.output<typeof MyPaymentSchema>;

export const MyPaymentPageSchema = z.object({
  items: z.array(MyPaymentSchema),
  nextCursor: z.string().optional(),
});

/** The advance decision as recorded on the case (flow-a/decisions/advance.ts). */
export const AdvanceDecisionSchema = z
  .object({
    decision: z.enum(["approve", "reject"]),
    amountYuan: Yuan.optional(),
    reason: z.string().optional(),
    level: z.enum(["township", "county"]).optional(),
    escalated: z.boolean().optional(),
    policyVersionId: z.string().optional(),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
  })
  .meta({ id: "AdvanceDecision" });

const APPROVAL_LEVELS = Object.values(WIRE_LEVEL) as [ApprovalLevel, ...ApprovalLevel[]];

/**
 * The follow-up as recorded on the case (flow-a/decisions/follow-up.ts): what the officer proposed
 * and, with additional aid, the approval level judged on the case's total after it.
 */
export const FollowUpRecordSchema = z
  .object({
    additionalAid: z.object({ amountYuan: Yuan, reason: z.string() }).optional(),
    staged: z.object({ reason: z.string() }).optional(),
    referrals: z
      .array(z.object({ to: z.string(), receivingBody: z.string(), note: z.string().optional() }))
      .optional(),
    recovery: z.object({ amountYuan: Yuan, reason: z.string() }).optional(),
    close: z.object({ summary: z.string() }).optional(),
    approvalLevel: z.enum(APPROVAL_LEVELS).optional(),
    totalAfterYuan: Yuan.optional(),
    paidYuan: Yuan.optional(),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
  })
  .meta({ id: "FollowUpRecord" });

/** The case record as any response shows it (case-view.ts publicCaseView). */
export const PublicCaseSchema = z
  .object({
    caseId: z.string(),
    countyId: z.string(),
    townshipId: z.string(),
    status: CaseStatus,
    flow: z.enum(["A", "B"]),
    hardship: Hardship,
    description: z.string().optional(),
    requestedAmountYuan: Yuan.optional(),
    applicant: z.object({
      userId: z.string().optional(),
      name: z.string().optional(),
      document: Document.optional(),
      phoneMasked: z.string().optional(),
      registration: Registration.optional(),
      residence: z
        .object({ address: z.string().optional(), residencePermit: z.boolean().optional() })
        .optional(),
      local: z.boolean().optional(),
    }),
    household: z.array(HouseholdMember).optional(),
    duplicateFilingCount: z.number().int().optional(),
    duplicateFilingLastAt: z.string().optional(),
    payout: z.object({
      method: z.enum(["bank", "cash", "none"]),
      bank: z
        .object({
          holderName: z.string().optional(),
          bankName: z.string(),
          accountMasked: z.string().optional(),
        })
        .optional(),
      cash: Json.optional(),
    }),
    assessment: z
      .object({
        eligible: z.boolean(),
        amountYuan: Yuan,
        approvalLevel: z.string(),
        paymentMethods: z.array(z.string()),
        reasons: z.array(z.string()),
      })
      .optional(),
    filedBy: FiledBy,
    filedAt: z.string(),
    policyVersionId: z.string(),
    handledBy: z.array(z.string()),
    flags: z.object({
      escalated: z.boolean().optional(),
      overdue: z.boolean().optional(),
      incident: z.string().optional(),
      fundWaited: z.boolean().optional(),
      noDocument: z.boolean().optional(),
    }),
    dueAt: z.string().nullable().optional(),
    advance: AdvanceDecisionSchema.optional(),
    paperwork: Json.optional(),
    followUp: FollowUpRecordSchema.optional(),
    additionalAid: Json.optional(),
    recovery: Json.optional(),
    referrals: z.array(Json).optional(),
    handOver: Json.optional(),
    outcome: Json.optional(),
    closedAt: z.string().nullable().optional(),
    version: z.number().int(),
  })
  .meta({ id: "PublicCase" });

/** The policy limits a case was filed under (case-view.ts policyFacts). */
export const PolicyFactsSchema = z
  .object({
    suggestedAdvanceYuan: Yuan.optional(),
    advanceCeilingYuan: Yuan,
    townshipApprovalCeilingYuan: Yuan,
    perCaseCapYuan: Yuan,
    cashCeilingYuan: Yuan,
    advanceResponseTimeHours: z.number(),
    paperworkDeadlineWorkingDays: z.number(),
  })
  .meta({ id: "PolicyFacts" });

/** A payment of the case as the payments module holds it: the obligation and its attempts. */
export const CasePaymentSchema = z
  .object({
    obligation: z.object({
      obligationId: z.string(),
      caseId: z.string(),
      purpose: z.string(),
      amountYuan: Yuan,
      status: OBLIGATION_STATUS,
      createdAt: z.string(),
    }),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        method: PAYMENT_METHOD,
        amountYuan: Yuan,
        status: ATTEMPT_STATUS,
        payee: z
          .object({
            name: z.string().optional(),
            bankName: z.string().optional(),
            accountMasked: z.string().optional(),
          })
          .optional(),
        reason: z.string().optional(),
        instructedAt: z.string(),
        settledAt: z.string().optional(),
      }),
    ),
  })
  .meta({ id: "CasePayment" });

/** `GET /cases/{caseId}/progress`. */
export const CaseProgressSchema = z.object({
  case: PublicCaseSchema,
  contact: z.object({ smsUnreachable: z.boolean(), smsNoticeZh: z.string().optional() }),
  policy: PolicyFactsSchema,
  tasks: z.array(CaseTaskSchema),
  payments: z.array(CasePaymentSchema),
  notifications: z.array(
    z.object({
      kind: z.string(),
      recipient: z.object({ kind: z.string(), id: z.string(), role: z.string().optional() }),
      subjectZh: z.string(),
      createdAt: z.string(),
    }),
  ),
});

/** `GET /plans/{caseId}`: the case, its plan with each stage's state, the fund, the tasks. */
export const PlanViewSchema = z.object({
  case: PublicCaseSchema,
  plan: z
    .object({
      startedAt: z.string(),
      enteredFrom: z.enum(["filing", "flow-a"]),
      version: z.number().int(),
      totalYuan: Yuan.optional(),
      approvalLevel: z.enum(["township", "county"]).optional(),
      stages: z.array(
        z.object({
          index: z.number().int(),
          dueDate: z.string(),
          dueAt: z.string(),
          amountYuan: Yuan,
          recheck: z.object({ checkedOn: z.string(), outcome: z.string(), checkedBy: z.string() }).nullable(),
          payment: z.union([OBLIGATION_STATUS, z.enum(["released", "not-due"])]),
        }),
      ),
      notice: z
        .object({
          round: z.number().int(),
          status: z.enum(["running", "objected", "ended"]),
          startedAt: z.string(),
          endsAt: z.string(),
          days: z.number().int(),
          text: Json,
        })
        .optional(),
      noticeExempt: z.string().optional(),
      objections: z.array(
        z.object({
          objectionId: z.string(),
          noticeRound: z.number().int(),
          receivedOn: z.string(),
          grounds: z.string().optional(),
          objector: z.string().optional(),
          recordedBy: z.string(),
          recordedAt: z.string(),
          response: z.string().optional(),
        }),
      ),
      approval: Json.optional(),
      commitment: z.object({ entryId: z.string(), amountYuan: Yuan, committedAt: z.string() }).optional(),
      rechecks: z.array(
        z.object({
          stage: z.number().int(),
          checkedOn: z.string(),
          outcome: z.string(),
          findings: z.string().optional(),
          checkedBy: z.string(),
          recordedAt: z.string(),
          escalated: z.boolean(),
        }),
      ),
      suspicions: z.array(
        z.object({
          suspicionId: z.string(),
          source: z.string(),
          description: z.string().optional(),
          raisedBy: z.string(),
          raisedAt: z.string(),
          status: z.enum(["open", "reviewed"]),
          review: z
            .object({
              finding: z.string().optional(),
              by: z.string(),
              at: z.string(),
              stage: z.number().int(),
            })
            .optional(),
        }),
      ),
    })
    .meta({ id: "Plan" }),
  fund: Json.nullable(),
  tasks: z.array(CaseTaskSchema.omit({ decidedAt: true, taskId: true })),
});

/** `GET /plans/{caseId}/notice`: what the notice board shows, personal data masked. */
export const PublicNoticeSchema = z
  .object({
    round: z.number().int(),
    status: z.enum(["running", "objected", "ended"]),
    startedAt: z.string(),
    endsAt: z.string(),
    days: z.number().int(),
    objectionsTo: z.string(),
  })
  .catchall(z.unknown());

export type CaseStep = z.input<typeof CaseStepSchema>;
export type NextStep = z.input<typeof NextStepSchema>;
export type CaseAmounts = z.input<typeof CaseAmountsSchema>;
export type StaffCaseItem = z.input<typeof StaffCaseItemSchema>;
export type FinanceCaseItem = z.input<typeof FinanceCaseItemSchema>;
export type ApplicantCase = z.input<typeof ApplicantCaseSchema>;
export type PublicCase = z.input<typeof PublicCaseSchema>;
export type PolicyFacts = z.input<typeof PolicyFactsSchema>;
export type PlanView = z.input<typeof PlanViewSchema>;
export type PublicNotice = z.input<typeof PublicNoticeSchema>;
