/**
 * Finds unmasked personal data in log lines (DOMAIN §7: ID numbers, phone numbers, bank accounts never
 * appear unmasked in logs). Two nets: the values a test planted (exact, and as digits with
 * separators), and any value that looks real — an 18-character resident ID whose GB 11643 check digit
 * is right, a mainland mobile number, a 16–19 digit account number passing the Luhn check. Masked
 * forms (`1101**********002X`, `139****5678`, `***************0128`) never match.
 */

export type PersonalDataKind = "id-number" | "phone" | "bank-account" | "planted";

export interface Finding {
  kind: PersonalDataKind;
  value: string;
  line: string;
}

const ID_CANDIDATE = /(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const PHONE_CANDIDATE = /(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9A-Za-z])/g;
const ACCOUNT_CANDIDATE = /(?<![0-9A-Za-z*])[0-9]{16,19}(?![0-9A-Za-z])/g;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** GB 11643-1999 check digit. */
export function isResidentIdNumber(value: string): boolean {
  if (!/^[0-9]{17}[0-9Xx]$/.test(value)) return false;
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17]?.toUpperCase();
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The ways a planted value can be written: as given, digits only, and grouped by 4 (accounts). */
function plantedForms(value: string): string[] {
  const digits = value.replace(/[\s-]/g, "");
  const grouped = digits.replace(/(.{4})(?=.)/g, "$1 ");
  return [...new Set([value, digits, grouped])].filter((form) => form.length >= 6);
}

export function findPersonalData(lines: Iterable<string>, planted: readonly string[] = []): Finding[] {
  const findings: Finding[] = [];
  const forms = planted.flatMap(plantedForms);
  for (const line of lines) {
    for (const form of forms) {
      if (line.includes(form)) findings.push({ kind: "planted", value: form, line });
    }
    for (const match of line.matchAll(ID_CANDIDATE)) {
      if (isResidentIdNumber(match[0])) findings.push({ kind: "id-number", value: match[0], line });
    }
    for (const match of line.matchAll(PHONE_CANDIDATE)) {
      findings.push({ kind: "phone", value: match[0], line });
    }
    for (const match of line.matchAll(ACCOUNT_CANDIDATE)) {
      if (passesLuhn(match[0]) && !isResidentIdNumber(match[0])) {
        findings.push({ kind: "bank-account", value: match[0], line });
      }
    }
  }
  return findings;
}
