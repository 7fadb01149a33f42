/**
 * 18-digit citizen identity numbers, GB 11643-1999 (DOMAIN §7): 6-digit address (region) code,
 * 8-digit birth date, 3-digit sequence (odd = male), check character (ISO 7064 MOD 11-2).
 */
import { type Instant, localDateOf } from "../calendar/localDate.ts";

const SHAPE = /^(?<region>\d{6})(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})(?<sequence>\d{3})(?<check>[\dX])$/;
const ID_LENGTH = 18;
const MODULUS = 11;
/** Check character for each remainder 0..10 of the weighted sum (GB 11643 table). */
const CHECK_CHARACTERS = "10X98765432";
/** Weight of position i is 2^(17−i) mod 11 (ISO 7064 MOD 11-2), computed rather than copied. */
const WEIGHTS = Array.from({ length: ID_LENGTH - 1 }, (_, i) => 2 ** (ID_LENGTH - 1 - i) % MODULUS);

/**
 * First two digits of the region code: provinces of GB/T 2260, plus 81/82/83 used by residence
 * permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证).
 */
const PROVINCE_PREFIXES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
  "83",
]);
const EARLIEST_BIRTH_YEAR = 1900;

export type ResidentIdProblem = "shape" | "region" | "birth-date" | "check-digit";

export type ResidentIdCheck =
  | { valid: true; number: string; regionCode: string; birthDate: string; sex: "male" | "female" }
  | { valid: false; problem: ResidentIdProblem; message: string; messageZh: string };

/** Upper-cases a trailing x and strips surrounding spaces: "…123x " → "…123X". */
export function normalizeResidentId(text: string): string {
  return text.trim().toUpperCase();
}

export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARACTERS[sum % MODULUS] as string;
}

/**
 * Checks an 18-digit number. `asOf` (an instant) refuses a birth date after that day in
 * Asia/Shanghai; it is passed in because core never reads the clock.
 */
export function checkResidentId(text: string, asOf?: Instant): ResidentIdCheck {
  const number = normalizeResidentId(text);
  const match = SHAPE.exec(number);
  if (!match?.groups) {
    return fail("shape", "must be 17 digits followed by a digit or X", "须为18位：17位数字加1位数字或X");
  }
  const { region, year, month, day, sequence, check } = match.groups as Record<string, string>;
  if (!PROVINCE_PREFIXES.has(region!.slice(0, 2))) {
    return fail("region", "region code is not a valid address code", "地址码（前6位）无效");
  }
  const birthDate = `${year}-${month}-${day}`;
  const parsed = Date.parse(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(parsed) || !new Date(parsed).toISOString().startsWith(birthDate)) {
    return fail("birth-date", "birth date (digits 7–14) is not a valid date", "出生日期（第7–14位）无效");
  }
  if (Number(year) < EARLIEST_BIRTH_YEAR) {
    return fail(
      "birth-date",
      `birth date (digits 7–14) is before ${EARLIEST_BIRTH_YEAR}`,
      `出生日期（第7–14位）早于${EARLIEST_BIRTH_YEAR}年`,
    );
  }
  // "YYYY-MM-DD" strings order like the dates they name.
  if (asOf !== undefined && birthDate > localDateOf(asOf)) {
    return fail("birth-date", "birth date (digits 7–14) is after today", "出生日期（第7–14位）晚于今天");
  }
  if (residentIdCheckCharacter(number.slice(0, ID_LENGTH - 1)) !== check) {
    return fail("check-digit", "check digit does not match (GB 11643)", "校验码不正确（GB 11643）");
  }
  return {
    valid: true,
    number,
    regionCode: region!,
    birthDate,
    sex: Number(sequence) % 2 === 1 ? "male" : "female",
  };
}

export function isValidResidentId(text: string, asOf?: Instant): boolean {
  return checkResidentId(text, asOf).valid;
}

function fail(problem: ResidentIdProblem, message: string, messageZh: string): ResidentIdCheck {
  return { valid: false, problem, message, messageZh };
}
