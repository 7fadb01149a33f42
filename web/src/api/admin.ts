/**
 * The administration console's calls (DOMAIN §8): the counties administered, a county's
 * staff users (listed with masked phones, created, disabled), its policy versions (proposed, and
 * approved by another administrator), its holiday calendar status and local days, and a year's
 * national holiday schedule. The API document types the bodies; the answers are typed here after
 * functions/services/admin (the document leaves those routes' answers untyped).
 */
import type { Role } from "../labels.ts";
import { get, post, type RequestOptions, request } from "./http.ts";
import type { components } from "./schema.ts";

export type NewStaffUser = components["schemas"]["NewStaffUser"];
export type PolicyVersionProposal = components["schemas"]["PolicyVersionProposal"];
export type NationalHolidaySchedule = components["schemas"]["NationalHolidaySchedule"];
export type CountyLocalDays = components["schemas"]["CountyLocalDays"];

/** A county the reader works on (GET /admin/counties): name and how many townships. */
export interface AdminCounty {
  countyId: string;
  name: string;
  townships: number;
}

/** What an administrator sees of a user: the phone masked, no sign-in name. */
export interface StaffUser {
  userId: string;
  name: string;
  roles: Role[];
  roleNamesZh: string[];
  countyId: string;
  townshipId?: string;
  townshipName?: string;
  phoneMasked?: string;
  active: boolean;
}

export interface PolicyVersion {
  version: {
    versionId: string;
    effectiveFrom: string;
    basis?: string;
    /** Every DOMAIN §7 parameter, as core/policy holds them. */
    parameters: Record<string, unknown>;
  };
  status: "proposed" | "approved";
  proposedBy: { userId: string; name: string };
  proposedAt: string;
  approvedBy?: { userId: string; name: string };
  approvedAt?: string;
  inForce: boolean;
}

export interface CalendarStatus {
  years: { year: number; coverage: "official"; localDays: number }[];
  warnings: { year: number; code: "weekends-only"; message: string; messageZh: string }[];
}

export interface AdminTownship {
  townshipId: string;
  name: string;
}

interface CountyDetail {
  countyId: string;
  name: string;
  townships: AdminTownship[];
}

const county = (countyId: string) => `/admin/counties/${encodeURIComponent(countyId)}`;

export async function listStaffUsers(countyId: string): Promise<StaffUser[]> {
  return (await get<{ users: StaffUser[] }>(`${county(countyId)}/users`)).users;
}

export async function createStaffUser(
  countyId: string,
  body: NewStaffUser,
  options?: RequestOptions,
): Promise<StaffUser> {
  return await post<StaffUser>(`${county(countyId)}/users`, body, options);
}

export async function disableStaffUser(countyId: string, userId: string): Promise<StaffUser> {
  return await post<StaffUser>(`${county(countyId)}/users/${encodeURIComponent(userId)}/disable`, undefined);
}

/** The county's townships, as the administration route reads them from the county directory. */
export async function countyTownships(countyId: string): Promise<AdminTownship[]> {
  const detail = await get<CountyDetail>(county(countyId));
  return detail.townships.map(({ townshipId, name }) => ({ townshipId, name }));
}

export async function listPolicyVersions(countyId: string): Promise<PolicyVersion[]> {
  return (await get<{ versions: PolicyVersion[] }>(`${county(countyId)}/policy-versions`)).versions;
}

export async function approvePolicyVersion(countyId: string, versionId: string): Promise<PolicyVersion> {
  return await post<PolicyVersion>(
    `${county(countyId)}/policy-versions/${encodeURIComponent(versionId)}/approval`,
    undefined,
  );
}

export async function proposePolicyVersion(
  countyId: string,
  body: PolicyVersionProposal,
  options?: RequestOptions,
): Promise<PolicyVersion> {
  return await post<PolicyVersion>(`${county(countyId)}/policy-versions`, body, options);
}

/** The counties of the province (province administrator or viewer), or one's own county. */
export async function listAdminCounties(): Promise<AdminCounty[]> {
  return (await get<{ counties: AdminCounty[] }>("/admin/counties")).counties;
}

/** Loads (or replaces) a year's national holiday schedule; the same schedule again writes nothing. */
export async function loadNationalSchedule(
  year: number,
  body: NationalHolidaySchedule,
): Promise<NationalHolidaySchedule & { repeated: boolean }> {
  return await request("PUT", `/admin/calendars/national/${year}`, body);
}

/** The county's local rest and make-up working days of a year (replacing those stored). */
export async function putLocalDays(
  countyId: string,
  year: number,
  body: CountyLocalDays,
): Promise<CountyLocalDays & { year: number; repeated: boolean }> {
  return await request("PUT", `${county(countyId)}/calendar/local-days/${year}`, body);
}

export async function calendarStatus(countyId: string): Promise<CalendarStatus> {
  return await get<CalendarStatus>(`${county(countyId)}/calendar`);
}
