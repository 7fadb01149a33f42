/**
 * Masking of personal data (DOMAIN §7): in logs, in responses to roles that may not see it clear
 * (core/access FIELD_VISIBILITY) and in exports. Length is preserved so a reader can tell a full
 * ID number from a truncated one.
 */

const ID_KEEP_START = 4;
const ID_KEEP_END = 4;
const PHONE_KEEP_START = 3;
const PHONE_KEEP_END = 4;
const ACCOUNT_KEEP_END = 4;

function keep(text: string, start: number, end: number): string {
  const value = text.trim();
  if (value.length <= start + end) return "*".repeat(value.length);
  return value.slice(0, start) + "*".repeat(value.length - start - end) + value.slice(value.length - end);
}

/** "230102199001011234" → "2301**********1234". */
export function maskIdNumber(idNumber: string): string {
  return keep(idNumber.toUpperCase(), ID_KEEP_START, ID_KEEP_END);
}

/** "13812345678" → "138****5678"; a leading +86 is dropped first. */
export function maskPhone(phone: string): string {
  const digits = phone
    .trim()
    .replace(/^\+86[-\s]?/, "")
    .replace(/[-\s]/g, "");
  return keep(digits, PHONE_KEEP_START, PHONE_KEEP_END);
}

/** "6222021234567890" → "************7890": only the last 4 remain. */
export function maskBankAccount(account: string): string {
  return keep(account.replace(/\s/g, ""), 0, ACCOUNT_KEEP_END);
}

/** "张三" → "张*", "欧阳娜娜" → "欧***": the family name stays readable for auditors. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join("");
  return chars[0] + "*".repeat(chars.length - 1);
}
