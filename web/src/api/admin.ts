/**
 * The administration console's calls (issue 22, DOMAIN §8): a county's staff users (listed with
 * masked phones, created, disabled), its policy versions (approved by another administrator) and
 * its holiday calendar status. The API document types the bodies; the answers are typed here after
 * functions/services/admin (the document leaves those routes' answers untyped).
 */
import type { Role } from "../labels.ts";
import { get, post, type RequestOptions } from "./http.ts";
import type { components } from "./schema.ts";

export type NewStaffUser = components["schemas"]["NewStaffUser"];

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
  version: { versionId: string; effectiveFrom: string; basis?: string };
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

export async function calendarStatus(countyId: string): Promise<CalendarStatus> {
  return await get<CalendarStatus>(`${county(countyId)}/calendar`);
}
