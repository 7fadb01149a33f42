/**
 * What the phone wizard checks before 下一步, step by step, so a person learns what to fix on the page
 * where they typed it: required fields, the shape of each document number, a mainland mobile number
 * of 11 digits. The API checks again (and more: the ID check digit, duplicates); its field messages
 * are mapped back to the step by `stepOf`. Answers are i18n keys of the `wizard` group.
 */
import type { IdDocumentType } from "../../labels.ts";

export interface WizardForm {
  hardshipType: string;
  cause: string;
  townshipId: string;
  occurredOn: string;
  description: string;
  requestedAmountYuan: string;
  periodFrom: string;
  periodTo: string;
  applicant: { name: string; idType: IdDocumentType; idNumber: string; nationality: string; phone: string };
  household: Array<{ name: string }>;
  bankAccount: { bankName: string; holderName: string; account: string };
}

export const STEP_COUNT = 4;

/** Mainland mobile: 11 digits starting with 1; a number abroad: + and 7–15 digits. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const INTERNATIONAL_PHONE = /^\+\d{7,15}$/;
const AMOUNT = /^(0|[1-9]\d{0,8})(\.\d{1,2})?$/;

/** The shape of each document's number (the API's patterns; the check digit is the API's). */
const ID_SHAPES: Partial<Record<IdDocumentType, [RegExp, string]>> = {
  "resident-id": [/^\d{17}[\dX]$/, "idNumberResident"],
  "residence-permit": [/^\d{17}[\dX]$/, "idNumberResident"],
  passport: [/^[A-Z0-9]{5,17}$/, "idNumberPassport"],
  "hk-macao-permit": [/^[HM]\d{8}(\d{2})?$/, "idNumberHkMacao"],
  "taiwan-permit": [/^(\d{8}|\d{10}[A-Z]?)$/, "idNumberTaiwan"],
  "foreigner-permanent-residence": [/^([A-Z]{3}\d{12}|9\d{16}[\dX])$/, "idNumberForeigner"],
};

export function normalizeIdNumber(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

export function normalizePhone(text: string): string {
  return text.replace(/[\s-]/g, "");
}

function checkWhat(form: WizardForm, today: string, errors: Record<string, string>): void {
  if (!form.cause) errors["hardship.cause"] = "causeRequired";
  if (!form.townshipId) errors.townshipId = "townshipRequired";
  if (!form.occurredOn) errors.occurredOn = "occurredOnRequired";
  else if (form.occurredOn > today) errors.occurredOn = "occurredOnFuture";
  if (!form.description.trim()) errors.description = "descriptionRequired";
  const amount = form.requestedAmountYuan.trim();
  if (amount && (!AMOUNT.test(amount) || Number(amount) === 0)) errors.requestedAmountYuan = "amountFormat";
  if (form.periodFrom && form.periodTo && form.periodTo < form.periodFrom) errors.periodTo = "periodOrder";
}

function checkWho(form: WizardForm, errors: Record<string, string>): void {
  const a = form.applicant;
  if (!a.name.trim()) errors["applicant.name"] = "nameRequired";
  const number = normalizeIdNumber(a.idNumber);
  const shape = ID_SHAPES[a.idType];
  if (!number) errors["applicant.document.number"] = "idNumberRequired";
  else if (shape && !shape[0].test(number)) errors["applicant.document.number"] = shape[1];
  if (a.idType === "passport" && !/^[A-Z]{3}$/.test(a.nationality.trim().toUpperCase())) {
    errors["applicant.document.nationality"] = "nationalityFormat";
  }
  const phone = normalizePhone(a.phone);
  if (!phone) errors["applicant.phone"] = "phoneRequired";
  else if (!MAINLAND_MOBILE.test(phone) && !INTERNATIONAL_PHONE.test(phone))
    errors["applicant.phone"] = "phoneFormat";
  form.household.forEach((member, index) => {
    if (!member.name.trim()) errors[`household.${index}.name`] = "memberName";
  });
}

function checkAccount(form: WizardForm, errors: Record<string, string>): void {
  const bank = form.bankAccount;
  const filled = [bank.bankName, bank.holderName, bank.account].filter((v) => v.trim()).length;
  if (filled === 0) return;
  if (!bank.bankName.trim()) errors["bankAccount.bankName"] = "bankIncomplete";
  if (!bank.holderName.trim()) errors["bankAccount.holderName"] = "bankIncomplete";
  const account = bank.account.replace(/\s+/g, "");
  if (!account) errors["bankAccount.account"] = "bankIncomplete";
  else if (!/^\d{8,30}$/.test(account)) errors["bankAccount.account"] = "accountFormat";
}

/** The problems of one step: field path → i18n key (`wizard.<key>`). */
export function checkStep(step: number, form: WizardForm, today: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (step === 0) checkWhat(form, today, errors);
  if (step === 1) checkWho(form, errors);
  if (step === 2) checkAccount(form, errors);
  return errors;
}

/** Which step holds a field, so an API error sends the person to the right page. */
export function stepOf(path: string): number {
  if (/^(applicant|household)/.test(path)) return 1;
  if (/^bankAccount/.test(path)) return 2;
  if (/^(photo|document)/.test(path)) return 3;
  return 0;
}

/** Messages of the API's generic kind, which say nothing a person can act on: the field's own is shown. */
const GENERIC =
  /格式不正确|内容无效|条目数|类型不正确|取值无效|不符合任何|元素无效|必填项|不能为空|长度|不允许的字段/;

export function isGenericMessage(message: string): boolean {
  return GENERIC.test(message);
}

/** The field's own plain message for a path the API answered generically. */
export function plainKeyFor(path: string, form: WizardForm): string {
  const own = checkStep(stepOf(path), form, "9999-12-31")[path];
  if (own) return own;
  if (path.startsWith("applicant.document"))
    return ID_SHAPES[form.applicant.idType]?.[1] ?? "idNumberRequired";
  if (path === "applicant.phone") return "phoneFormat";
  if (path.startsWith("bankAccount")) return path.endsWith("account") ? "accountFormat" : "bankIncomplete";
  if (path === "requestedAmountYuan") return "amountFormat";
  if (path.startsWith("household")) return "memberName";
  return "generic";
}
