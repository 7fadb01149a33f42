export {
  type Assessment,
  type AssessmentInput,
  assessStagedAssistance,
  type RigidExpenditure,
  stageCountFor,
} from "./assessment.ts";
export {
  type AdvanceApplication,
  type AdvanceAssessment,
  type AssessmentReason,
  assessAdvance,
  type HouseholdRegistration,
  type RegistrationFollowUp,
  registrationFollowUp,
  registrationOf,
} from "./eligibility.ts";
export {
  IdempotencyConflictError,
  IllegalTransitionError,
  PolicyRuleViolationError,
  StagePlanError,
} from "./errors.ts";
export {
  CAUSE_NAMES_ZH,
  EXPENDITURE_CAUSES,
  type ExpenditureCause,
  HARDSHIP_CAUSES,
  HARDSHIP_TYPE_NAMES_ZH,
  HARDSHIP_TYPES,
  type HardshipCause,
  type HardshipType,
  hardshipTypeOf,
  isHardshipCause,
  URGENT_CAUSES,
  type UrgentCause,
} from "./hardship.ts";
export {
  allowedEvents,
  CASE_STATES,
  type CaseEvent,
  type CaseEventType,
  type CaseLifecycle,
  type CaseState,
  canTransition,
  type Flow,
  filedState,
  flowOf,
  isOpen,
  nextState,
  OPEN_STATES,
  TERMINAL_STATES,
  TRANSITIONS,
  transition,
  WAIT_STATES,
  type WaitOf,
} from "./lifecycle.ts";
export { advanceCeiling } from "./rules/advanceCeiling.ts";
export {
  APPROVAL_ACTION,
  type ApprovalLevel,
  type FollowUpApproval,
  followUpApproval,
  requiredApprovalLevel,
} from "./rules/approvalLevel.ts";
export {
  CASH_SIGNERS,
  type CashHandOver,
  type CashSignature,
  cashPayment,
  cashReceipt,
  isSigned,
  missingCashSignatures,
  type PaymentMethod,
  requireCashHandOver,
} from "./rules/cashPayment.ts";
export { advanceDecisionDueAt, ordinaryProcessingDeadline, paperworkDeadline } from "./rules/deadlines.ts";
export { type FraudBarOutcome, fraudBar, type ProvenFraud } from "./rules/fraudBar.ts";
export {
  type InvestigationInput,
  investigationTeam,
  investigatorsPerCase,
  requireInvestigationTeam,
} from "./rules/investigators.ts";
export { ATTESTATION_FIELDS, type AttestationInput, officerAttestation } from "./rules/officerAttestation.ts";
export {
  type HouseholdAid,
  type HouseholdAidOutcome,
  oneAidPerCausePerHousehold,
} from "./rules/oneAidPerCausePerHousehold.ts";
export {
  compliant,
  enforce,
  noncompliant,
  notApplicable,
  type RuleName,
  type RuleOutcome,
} from "./rules/outcome.ts";
export {
  approvalAfterNotice,
  type NoticeRequirement,
  publicNoticeEndsAt,
  publicNoticeRequirement,
} from "./rules/publicNotice.ts";
export { residentIdBirthDate } from "./rules/residentIdBirthDate.ts";
export {
  DISSATISFIED_LEVELS,
  isSatisfied,
  RATEABLE_STATUSES,
  reasonMissing,
  SERVICE_RATING_LEVELS,
  SERVICE_RATING_NAMES_ZH,
  type ServiceRatingLevel,
  serviceRating,
} from "./rules/serviceRating.ts";
export { chooseFlow, type FlowChoice } from "./rules/stagedAssistance.ts";
export { stagePaidByTransfer } from "./rules/stagePaidByTransfer.ts";
export { buildStagePlan, type Stage, type StagePlan, type StagePlanInput } from "./stagePlan.ts";
