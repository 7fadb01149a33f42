/**
 * Personal data masked once, at the response boundary, by the reader's roles (DOMAIN §1, §7). Every
 * `httpHandler` answer passes through `maskResponse` with the actor; handlers return the data as they
 * read it and never mask by themselves.
 *
 * The policy is core/access FIELD_VISIBILITY (role × field → clear | masked | hidden); for reading:
 *
 * | reader                | name | ID no. | phone | account | address | registration | narrative |
 * |-----------------------|------|--------|-------|---------|---------|--------------|-----------|
 * | applicant (own case)  | clear| clear  | clear | clear   | clear   | clear        | clear     |
 * | township officer/approver, county civil affairs | clear | clear | clear | clear | clear | clear | clear |
 * | county finance        | clear| masked | masked| masked  | hidden  | masked       | hidden    |
 * | auditor               |masked| masked | masked| masked  | masked  | masked       | clear     |
 * | no sign-in (public)   |masked| masked | masked| hidden  | hidden  | hidden       | clear     |
 *
 * Scope (which cases a reader gets at all) is core/access's; this module decides how what they get is
 * shown. ID numbers, phones and accounts are stored masked already (DOMAIN §7); "clear" shows that.
 *
 * Fields are found by key, in context: a `name` inside a person (`applicant`, `payee`, a household
 * member, an audit actor who is an applicant), `holderName`, `address`, `registration`, `phone…`,
 * `account…`, `…Number`. Then two nets for text: numbers that look like an ID, a phone or an account
 * are masked by pattern in every string, and every name or address masked anywhere in the answer (or
 * held by the case the route names) is masked wherever else it occurs in the answer (a file name, a
 * notification text, an audit reason).
 */
import {
  type Actor,
  FIELD_VISIBILITY,
  fieldVisibility,
  type PersonalField,
  type Visibility,
} from "#core/access/index.ts";
import { maskName } from "#core/identity/masking.ts";
import { maskBankAccount, maskIdNumber, maskPhone, maskText } from "#functions/runtime/logger.ts";

/** What a reader without a sign-in may see (the public notice board, DOMAIN §4.3). */
export const PUBLIC_VISIBILITY: Readonly<Record<PersonalField, Visibility>> = {
  name: "masked",
  idNumber: "masked",
  phone: "masked",
  bankAccount: "hidden",
  address: "hidden",
  householdRegistration: "hidden",
  narrative: "clear",
  amounts: "clear",
};

/** Routes whose answer is a document about the API itself, never a person's data: shown as is. */
export const UNMASKED_ROUTES: ReadonlySet<string> = new Set([
  "GET /openapi.json",
  "GET /docs",
  "GET /health",
]);

/** An address shown masked keeps its region (province, city) only — enough for statistics. */
export const ADDRESS_KEEP_CHARS = 6;

export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  if (chars.length <= ADDRESS_KEEP_CHARS) return "*".repeat(chars.length);
  return `${chars.slice(0, ADDRESS_KEEP_CHARS).join("")}${"*".repeat(chars.length - ADDRESS_KEEP_CHARS)}`;
}

export type VisibilityOf = (field: PersonalField) => Visibility;

/** The reader's visibility of each field: the most permissive of their roles; the public row without a sign-in. */
export function visibilityFor(actor: Pick<Actor, "roles"> | undefined): VisibilityOf {
  if (!actor) return (field) => PUBLIC_VISIBILITY[field];
  return (field) => fieldVisibility(actor.roles, field);
}

/** True when every field is clear to the reader: the answer is shown as read. */
export function seesAllClear(see: VisibilityOf): boolean {
  return (Object.keys(FIELD_VISIBILITY.applicant) as PersonalField[]).every((f) => see(f) === "clear");
}

// ------------------------------------------------------------------------------------ classification

/** Objects that stand for a person: their `name` is a person's name. */
const PERSON_KEYS = new Set([
  "applicant",
  "payee",
  "holder",
  "receiver",
  "member",
  "members",
  "householdMembers",
  "household",
  "person",
  "persons",
  "spouse",
  "guardian",
  "agent",
  "beneficiary",
]);
const NAME_KEY =
  /^(holder|payee|applicant|receiver|member|person|spouse|guardian|agent|beneficiary|full)Name(Masked)?$/;
const ID_KEY = /^(idNumber|idNumberMasked|documentNumber|numberMasked|documentMasked)$/;
const PHONE_KEY = /^(phone|phoneMasked|phoneNumber|mobile|contactPhone|tel)$/;
const ACCOUNT_KEY = /^(account|accountMasked|accountNumber|bankAccount|cardNumber)$/;
const ADDRESS_KEY = /^(address|addressLine|residenceAddress|homeAddress)$/;
const REGISTRATION_KEY = /^(registration|householdRegistration)$/;
const NARRATIVE_KEY = /^(description|facts|findings|goodFaithBasis|note|notes|objectionResponse)$/;
/** Identifiers, hashes and links: never free text, never masked by pattern (a hash may hold 12 digits). */
const TECHNICAL_KEY = /(^id$|Id$|Ids$|^hash$|Hash$|^url$|Url$|[cC]ursor$|Token$|^token$)/;

type Kind = Exclude<PersonalField, "amounts">;

function kindOfKey(key: string, parentKey: string | undefined, inPerson: boolean): Kind | undefined {
  if (key === "name" && inPerson) return "name";
  if (NAME_KEY.test(key)) return "name";
  if (ID_KEY.test(key) || (key === "number" && parentKey === "document")) return "idNumber";
  if (PHONE_KEY.test(key)) return "phone";
  if (ACCOUNT_KEY.test(key)) return "bankAccount";
  if (ADDRESS_KEY.test(key)) return "address";
  if (REGISTRATION_KEY.test(key)) return "householdRegistration";
  if (NARRATIVE_KEY.test(key)) return "narrative";
  return undefined;
}

/** An audit actor (or any record with roles) who is an applicant is a person, not staff. */
function isApplicantActor(value: Record<string, unknown>): boolean {
  return Array.isArray(value.roles) && value.roles.includes("applicant");
}

function maskOf(kind: Kind, value: string): string {
  switch (kind) {
    case "name":
      return maskName(value);
    case "idNumber":
      return maskIdNumber(value);
    case "phone":
      return maskPhone(value);
    case "bankAccount":
      return maskBankAccount(value);
    case "address":
      return maskAddress(value);
    default:
      return value;
  }
}

// ------------------------------------------------------------------------------------------ masking

const HIDDEN = Symbol("hidden");

interface Pass {
  see: VisibilityOf;
  /** Clear values masked or hidden somewhere: masked wherever else they occur. */
  scrub: Map<string, string>;
  patterns: boolean;
}

/** Shortest name or address scrubbed from free text (a one-character value would hit any text). */
const SCRUB_MIN_CHARS = 2;

function remember(pass: Pass, value: string, masked: string): void {
  const trimmed = value.trim();
  if ([...trimmed].length >= SCRUB_MIN_CHARS && trimmed !== masked) pass.scrub.set(trimmed, masked);
}

function maskField(pass: Pass, kind: Kind, value: unknown): unknown {
  const visibility = pass.see(kind);
  if (visibility === "clear") return value;
  if (kind === "householdRegistration") {
    if (visibility === "hidden") return HIDDEN;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { province } = value as { province?: unknown };
      for (const [k, v] of Object.entries(value))
        if (k !== "province" && typeof v === "string") remember(pass, v, "***");
      return typeof province === "string" ? { province } : {};
    }
    if (typeof value === "string") remember(pass, value, "***");
    return typeof value === "string" ? "***" : value;
  }
  if (visibility === "hidden") {
    if (typeof value === "string" && (kind === "name" || kind === "address")) remember(pass, value, "***");
    return HIDDEN;
  }
  if (typeof value !== "string") return value;
  const masked = maskOf(kind, value);
  if (kind === "name" || kind === "address") remember(pass, value, masked);
  return masked;
}

function walk(
  pass: Pass,
  value: unknown,
  key: string | undefined,
  parentKey: string | undefined,
  inPerson: boolean,
): unknown {
  if (Array.isArray(value))
    return value.map((item) => walk(pass, item, key, parentKey, inPerson)).filter((v) => v !== HIDDEN);
  if (value === null || typeof value !== "object") {
    if (typeof value === "string" && pass.patterns && !(key && TECHNICAL_KEY.test(key)))
      return maskText(value);
    return value;
  }
  const record = value as Record<string, unknown>;
  const person = (key !== undefined && PERSON_KEYS.has(key)) || isApplicantActor(record);
  const out: Record<string, unknown> = {};
  for (const [childKey, child] of Object.entries(record)) {
    const kind = kindOfKey(childKey, key, person);
    const shown =
      kind !== undefined && (typeof child === "string" || kind === "householdRegistration")
        ? maskField(pass, kind, child)
        : walk(pass, child, childKey, key, person);
    if (shown === HIDDEN) continue;
    out[childKey] =
      typeof shown === "string" && pass.patterns && !TECHNICAL_KEY.test(childKey) ? maskText(shown) : shown;
  }
  return out;
}

function scrubText(pass: Pass, value: unknown, key: string | undefined): unknown {
  if (typeof value === "string") {
    if (key && TECHNICAL_KEY.test(key)) return value;
    let text = value;
    for (const [clear, masked] of pass.scrub) if (text.includes(clear)) text = text.split(clear).join(masked);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => scrubText(pass, item, key));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubText(pass, v, k)]));
}

/** Personal values the route's subject (e.g. its case) holds, to be masked wherever they occur. */
export interface KnownPersonalValues {
  names: readonly string[];
  addresses: readonly string[];
}

/**
 * The answer as the reader may see it. `known` adds the values of the case the route names, so a name
 * typed into a file name or a text is caught even where no `name` field sits beside it.
 */
export function maskForReader(body: unknown, see: VisibilityOf, known?: KnownPersonalValues): unknown {
  if (seesAllClear(see)) return body;
  const pass: Pass = {
    see,
    scrub: new Map(),
    patterns: see("idNumber") !== "clear" || see("phone") !== "clear" || see("bankAccount") !== "clear",
  };
  for (const name of known?.names ?? []) {
    if (see("name") !== "clear") remember(pass, name, see("name") === "masked" ? maskName(name) : "***");
  }
  for (const address of known?.addresses ?? []) {
    if (see("address") !== "clear")
      remember(pass, address, see("address") === "masked" ? maskAddress(address) : "***");
  }
  const masked = walk(pass, body, undefined, undefined, false);
  if (masked === HIDDEN) return null;
  // Longest first, so a full name is replaced before a shorter one it contains.
  pass.scrub = new Map([...pass.scrub].sort(([a], [b]) => b.length - a.length));
  return pass.scrub.size > 0 ? scrubText(pass, masked, undefined) : masked;
}
