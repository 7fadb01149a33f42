export { CASE_STATUS_LABELS, caseStatusZh, type Label } from "./caseStatus.ts";
export { HOUSEHOLD_STAGE_LABELS, householdStageNames } from "./householdStage.ts";
export { paymentPurposeZh } from "./paymentPurpose.ts";
export { REFERRAL_LABELS, referralZh } from "./referral.ts";
export { TASK_TYPE_NAMES_ZH, taskTypeZh } from "./taskType.ts";
export { SOMEONE_ELSE_ZH, TOWNSHIP_UNNAMED_ZH, zhDate, zhDateTime, zhPeriod } from "./zhText.ts";
