/**
 * Disaster mode (DOMAIN §8): the county's incidents, their households' cases, the officers'
 * registration (short form and 受灾户 spreadsheet), the approver's batch approval, the one-step
 * top-up, the dashboard and its XLSX export. Request and answer types come from the API document
 * (schema.ts) through contract.ts.
 */
import type { Answer, Body } from "./contract.ts";
import { get, post, query, type RequestOptions } from "./http.ts";

export type Incident = Answer<"/incidents/{incidentId}">;
export type IncidentTownship = Incident["townships"][number];
export type DeclareIncidentBody = Body<"/incidents">;
export type IncidentDashboard = Answer<"/incidents/{incidentId}/dashboard">;
export type IncidentCounts = IncidentDashboard["totals"];
export type IncidentCase = Answer<"/incidents/{incidentId}/cases">["cases"][number];
export type BatchDecision = Answer<"/incidents/{incidentId}/advance-decisions", "post">;
export type BatchResult = BatchDecision["results"][number];
export type TopUpResult = Answer<"/incidents/{incidentId}/top-up", "post">;
export type TopUpTownship = TopUpResult["townships"][number];
export type RegisterHouseholdBody = Body<"/incidents/{incidentId}/households">;
export type RegisteredHousehold = Answer<"/incidents/{incidentId}/households", "post", 201>;
export type HouseholdImportResult = Answer<"/incidents/{incidentId}/households/import", "post">;

const enc = encodeURIComponent;

export async function listIncidents(): Promise<Incident[]> {
  return (await get<Answer<"/incidents">>("/incidents")).incidents;
}

export async function declareIncident(
  body: DeclareIncidentBody,
  options?: RequestOptions,
): Promise<Incident> {
  return post<Answer<"/incidents", "post", 201>>("/incidents", body, options);
}

export async function endIncident(
  incidentId: string,
  reason: string,
  options?: RequestOptions,
): Promise<Incident> {
  const body: Body<"/incidents/{incidentId}/end"> = { reason };
  return post<Answer<"/incidents/{incidentId}/end", "post">>(
    `/incidents/${enc(incidentId)}/end`,
    body,
    options,
  );
}

/** The short form: one household of the officer's township, filed on its behalf (201). */
export async function registerHousehold(
  incidentId: string,
  body: RegisterHouseholdBody,
  options?: RequestOptions,
): Promise<RegisteredHousehold> {
  return post<RegisteredHousehold>(`/incidents/${enc(incidentId)}/households`, body, options);
}

/** The 受灾户 sheet (.xlsx, base64): every row checked first, nothing registered unless all pass. */
export async function importHouseholds(
  incidentId: string,
  workbook: string,
  options?: RequestOptions,
): Promise<HouseholdImportResult> {
  const body: Body<"/incidents/{incidentId}/households/import"> = { workbook, dryRun: false };
  return post<HouseholdImportResult>(`/incidents/${enc(incidentId)}/households/import`, body, options);
}

export async function incidentDashboard(incidentId: string): Promise<IncidentDashboard> {
  return get<IncidentDashboard>(`/incidents/${enc(incidentId)}/dashboard`);
}

export async function incidentCases(incidentId: string, stage?: string): Promise<IncidentCase[]> {
  return (
    await get<Answer<"/incidents/{incidentId}/cases">>(
      `/incidents/${enc(incidentId)}/cases${query({ stage })}`,
    )
  ).cases;
}

export async function approveCases(
  incidentId: string,
  caseIds: string[],
  options?: RequestOptions,
): Promise<BatchDecision> {
  const body: Body<"/incidents/{incidentId}/advance-decisions"> = { caseIds };
  return post<BatchDecision>(`/incidents/${enc(incidentId)}/advance-decisions`, body, options);
}

export async function topUpIncident(
  incidentId: string,
  reason: string,
  options?: RequestOptions,
): Promise<TopUpResult> {
  const body: Body<"/incidents/{incidentId}/top-up"> = { reason };
  return post<TopUpResult>(`/incidents/${enc(incidentId)}/top-up`, body, options);
}

export async function incidentExport(incidentId: string): Promise<Answer<"/incidents/{incidentId}/export">> {
  return get(`/incidents/${enc(incidentId)}/export`);
}
