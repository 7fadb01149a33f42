/**
 * The administration console's calls (DOMAIN §8): the counties administered, a county's
 * staff users (listed with masked phones, created, disabled), its policy versions (proposed, and
 * approved by another administrator), its holiday calendar status and local days, and a year's
 * national holiday schedule, its townships with their fund quotas (added, edited, quota set).
 * Requests and answers are the API document's (schema.ts).
 */
import type { Answer } from "./contract.ts";
import { get, post, type RequestOptions, request } from "./http.ts";
import type { components } from "./schema.ts";

type Schemas = components["schemas"];
export type NewStaffUser = Schemas["NewStaffUser"];
export type PolicyVersionProposal = Schemas["PolicyVersionProposal"];
export type NationalHolidaySchedule = Schemas["NationalHolidaySchedule"];
export type CountyLocalDays = Schemas["CountyLocalDays"];
/** A county the reader works on (GET /admin/counties): name and how many townships. */
export type AdminCounty = Schemas["AdminCounty"];
/** What an administrator sees of a user: the phone masked, no sign-in name. */
export type StaffUser = Schemas["StaffUser"];
/** A policy version as listed, with whether it is in force. */
export type PolicyVersion = Schemas["PolicyVersionView"];
/** A policy version as proposed or approved. */
export type PolicyProposal = Schemas["PolicyProposal"];
export type CalendarStatus = Schemas["CalendarStatus"];
export type AdminTownship = Pick<Schemas["CountyDetail"]["townships"][number], "townshipId" | "name">;

/** A township as its administrator edits it: profile, revision, 备用金定额 and what finance allocated. */
export type TownshipRecord = Schemas["AdminTownshipView"];
export type NewTownship = Schemas["NewTownship"];
export type TownshipEdit = Schemas["TownshipEdit"];
export type TownshipFundQuota = Schemas["TownshipFundQuota"];

const county = (countyId: string) => `/admin/counties/${encodeURIComponent(countyId)}`;
const township = (countyId: string, townshipId: string) =>
  `${county(countyId)}/townships/${encodeURIComponent(townshipId)}`;

/** The county's townships with their revisions and fund quotas. */
export async function listTownshipRecords(countyId: string): Promise<TownshipRecord[]> {
  return (await get<Answer<"/admin/counties/{countyId}/townships">>(`${county(countyId)}/townships`))
    .townships;
}

export async function addTownship(
  countyId: string,
  body: NewTownship,
  options?: RequestOptions,
): Promise<TownshipRecord> {
  return await post<TownshipRecord>(`${county(countyId)}/townships`, body, options);
}

/** Edits name, urban/rural and population over the revision read (409 when changed meanwhile). */
export async function editTownship(
  countyId: string,
  townshipId: string,
  body: TownshipEdit,
  options?: RequestOptions,
): Promise<Answer<"/admin/counties/{countyId}/townships/{townshipId}", "post">> {
  return await post(township(countyId, townshipId), body, options);
}

/** Sets the 备用金定额 over the revision read: no money moves (county finance allocates up to it). */
export async function setTownshipFundQuota(
  countyId: string,
  townshipId: string,
  body: TownshipFundQuota,
  options?: RequestOptions,
): Promise<Answer<"/admin/counties/{countyId}/townships/{townshipId}/fund-quota", "post">> {
  return await post(`${township(countyId, townshipId)}/fund-quota`, body, options);
}

export async function listStaffUsers(countyId: string): Promise<StaffUser[]> {
  return (await get<Answer<"/admin/counties/{countyId}/users">>(`${county(countyId)}/users`)).users;
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
  const detail = await get<Schemas["CountyDetail"]>(county(countyId));
  return detail.townships.map(({ townshipId, name }) => ({ townshipId, name }));
}

export async function listPolicyVersions(countyId: string): Promise<PolicyVersion[]> {
  return (
    await get<Answer<"/admin/counties/{countyId}/policy-versions">>(`${county(countyId)}/policy-versions`)
  ).versions;
}

export async function approvePolicyVersion(countyId: string, versionId: string): Promise<PolicyProposal> {
  return await post<PolicyProposal>(
    `${county(countyId)}/policy-versions/${encodeURIComponent(versionId)}/approval`,
    undefined,
  );
}

export async function proposePolicyVersion(
  countyId: string,
  body: PolicyVersionProposal,
  options?: RequestOptions,
): Promise<PolicyProposal> {
  return await post<PolicyProposal>(`${county(countyId)}/policy-versions`, body, options);
}

/** The counties of the province (province administrator or viewer), or one's own county. */
export async function listAdminCounties(): Promise<AdminCounty[]> {
  return (await get<Answer<"/admin/counties">>("/admin/counties")).counties;
}

/** Loads (or replaces) a year's national holiday schedule; the same schedule again writes nothing. */
export async function loadNationalSchedule(
  year: number,
  body: NationalHolidaySchedule,
): Promise<Answer<"/admin/calendars/national/{year}", "put">> {
  return await request("PUT", `/admin/calendars/national/${year}`, body);
}

/** The county's local rest and make-up working days of a year (replacing those stored). */
export async function putLocalDays(
  countyId: string,
  year: number,
  body: CountyLocalDays,
): Promise<Answer<"/admin/counties/{countyId}/calendar/local-days/{year}", "put">> {
  return await request("PUT", `${county(countyId)}/calendar/local-days/${year}`, body);
}

export async function calendarStatus(countyId: string): Promise<CalendarStatus> {
  return await get<CalendarStatus>(`${county(countyId)}/calendar`);
}
