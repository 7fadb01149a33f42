/**
 * Which personal fields each role sees unmasked (DOMAIN §1, §7): county finance sees money, not case
 * narratives; the auditor reads everything with personal data masked. Applied by response mappers
 * and exports; logs always mask (see core/identity/masking.ts).
 */
import type { Role } from "./roles.ts";

export const PERSONAL_FIELDS = [
  "name",
  "idNumber",
  "phone",
  "bankAccount",
  "address",
  "householdRegistration",
  "narrative",
  "amounts",
] as const;

export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** `clear` = shown as is; `masked` = shown through the masking functions; `hidden` = omitted. */
export type Visibility = "clear" | "masked" | "hidden";

const ALL_CLEAR: Record<PersonalField, Visibility> = {
  name: "clear",
  idNumber: "clear",
  phone: "clear",
  bankAccount: "clear",
  address: "clear",
  householdRegistration: "clear",
  narrative: "clear",
  amounts: "clear",
};

/** Administrators manage reference data and read no case: nothing personal is shown to them. */
const ALL_HIDDEN: Record<PersonalField, Visibility> = {
  name: "hidden",
  idNumber: "hidden",
  phone: "hidden",
  bankAccount: "hidden",
  address: "hidden",
  householdRegistration: "hidden",
  narrative: "hidden",
  amounts: "hidden",
};

/** Administrators read no case; of the staff users they create they see the phone masked. */
const ADMINISTRATOR: Record<PersonalField, Visibility> = { ...ALL_HIDDEN, phone: "masked" };

export const FIELD_VISIBILITY: Readonly<Record<Role, Readonly<Record<PersonalField, Visibility>>>> = {
  // Applicants only ever read their own case (scope own-case), so their own data is clear.
  applicant: ALL_CLEAR,
  "township-officer": ALL_CLEAR,
  "township-approver": ALL_CLEAR,
  "county-civil-affairs": ALL_CLEAR,
  // Finance pays and reconciles: needs the payee's name and the money, not the story of the case.
  "county-finance": {
    name: "clear",
    idNumber: "masked",
    phone: "masked",
    bankAccount: "masked",
    address: "hidden",
    householdRegistration: "masked",
    narrative: "hidden",
    amounts: "clear",
  },
  auditor: {
    name: "masked",
    idNumber: "masked",
    phone: "masked",
    bankAccount: "masked",
    address: "masked",
    householdRegistration: "masked",
    narrative: "clear",
    amounts: "clear",
  },
  "county-admin": ADMINISTRATOR,
  "province-admin": ADMINISTRATOR,
  // The roll-up carries counts and sums only.
  "province-viewer": ALL_HIDDEN,
};

const RANK: Record<Visibility, number> = { hidden: 0, masked: 1, clear: 2 };

/** The most permissive visibility any of the actor's roles grants for a field. */
export function fieldVisibility(roles: readonly Role[], field: PersonalField): Visibility {
  let best: Visibility = "hidden";
  for (const role of roles) {
    const v = FIELD_VISIBILITY[role]?.[field] ?? "hidden";
    if (RANK[v] > RANK[best]) best = v;
  }
  return best;
}

/** The fields a role sees unmasked. */
export function visibleFields(role: Role): PersonalField[] {
  return PERSONAL_FIELDS.filter((f) => FIELD_VISIBILITY[role][f] === "clear");
}
