/**
 * The DOMAIN §7 parameters as the 新建版本 form edits them: each parameter's kind (yuan with at most
 * two decimals, whole number, half months of 低保, yes/no, or a limit given either in yuan or in
 * months of the 低保 standard) and the unit it is shown with. Labels and units are in the message
 * catalogues (admin.policy.params, admin.policy.units); the API's policy schema checks the values.
 */

export type ParameterKind = "yuan" | "int" | "bool" | "limit";

export interface ParameterField {
  key: string;
  kind: ParameterKind;
  /** Key of admin.policy.units; none for yes/no and limits (whose unit follows the chosen form). */
  unit?:
    | "yuanPerMonth"
    | "yuan"
    | "hours"
    | "workingDays"
    | "days"
    | "people"
    | "stages"
    | "months"
    | "times"
    | "yuanPerPerson"
    | "percent";
}

export const POLICY_PARAMETERS: readonly ParameterField[] = [
  { key: "dibaoMonthlyStandardUrbanYuan", kind: "yuan", unit: "yuanPerMonth" },
  { key: "dibaoMonthlyStandardRuralYuan", kind: "yuan", unit: "yuanPerMonth" },
  { key: "townshipApprovalCeiling", kind: "limit" },
  { key: "perCaseCap", kind: "limit" },
  { key: "advanceCeilingYuan", kind: "yuan", unit: "yuan" },
  { key: "advanceResponseTimeHours", kind: "int", unit: "hours" },
  { key: "paperworkDeadlineWorkingDays", kind: "int", unit: "workingDays" },
  { key: "ordinaryProcessingWorkingDays", kind: "int", unit: "workingDays" },
  { key: "publicNoticeDays", kind: "int", unit: "days" },
  { key: "investigatorsPerCase", kind: "int", unit: "people" },
  { key: "stagedPlanMaxStages", kind: "int", unit: "stages" },
  { key: "stagedPlanWithinCalendarYear", kind: "bool" },
  { key: "stagedAssistanceThresholdMonths", kind: "int", unit: "months" },
  { key: "stagedAssistanceThresholdYuan", kind: "yuan", unit: "yuan" },
  { key: "cashCeilingYuan", kind: "yuan", unit: "yuan" },
  { key: "cashCeilingExceedsAdvanceAllowed", kind: "bool" },
  { key: "aidPerCausePerHousehold", kind: "int", unit: "times" },
  { key: "aidPerCauseWindowMonths", kind: "int", unit: "months" },
  { key: "fraudBarMonths", kind: "int", unit: "months" },
  { key: "fundQuotaPerCapitaYuan", kind: "yuan", unit: "yuanPerPerson" },
  { key: "lowBalanceAlertPercent", kind: "int", unit: "percent" },
  { key: "alertDedupWindowDays", kind: "int", unit: "days" },
  { key: "alertVerificationWorkingDays", kind: "int", unit: "workingDays" },
];

/**
 * The holiday calendar a version counts working days with is not edited here: a new version keeps
 * the one of the version it starts from; a county's first version uses the national schedule
 * series (the schedules loaded per year on 节假日).
 */
export const NATIONAL_CALENDAR_REF = "cn-national";

/** A limit as the form holds it: the chosen form and its value as typed. */
export interface LimitValue {
  form: "yuan" | "dibaoMonths";
  value: string;
}

export type FormValue = string | boolean | LimitValue;

/** The form's values from a version's parameters (every value as text, yes/no as a boolean). */
export function formValues(parameters: Record<string, unknown> | undefined): Record<string, FormValue> {
  const values: Record<string, FormValue> = {};
  for (const field of POLICY_PARAMETERS) {
    const raw = parameters?.[field.key];
    if (field.kind === "bool") values[field.key] = raw === true;
    else if (field.kind === "limit") {
      const limit = (raw ?? {}) as { yuan?: string; dibaoMonths?: number };
      values[field.key] =
        limit.dibaoMonths !== undefined
          ? { form: "dibaoMonths", value: String(limit.dibaoMonths) }
          : { form: "yuan", value: limit.yuan ?? "" };
    } else values[field.key] = raw === undefined || raw === null ? "" : String(raw);
  }
  return values;
}

/** A number from the text typed, or the text itself when it is not one (the API then names the field). */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/** The parameters the API takes, from the form's values. */
export function parametersOf(
  values: Record<string, FormValue>,
  calendarRef: string,
): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const field of POLICY_PARAMETERS) {
    const value = values[field.key];
    if (field.kind === "bool") parameters[field.key] = value === true;
    else if (field.kind === "limit") {
      const limit = value as LimitValue;
      parameters[field.key] =
        limit.form === "dibaoMonths"
          ? { dibaoMonths: numberOrText(limit.value) }
          : { yuan: limit.value.trim() };
    } else if (field.kind === "int") parameters[field.key] = numberOrText(String(value ?? ""));
    else parameters[field.key] = String(value ?? "").trim();
  }
  parameters.holidayCalendarRef = calendarRef;
  return parameters;
}
