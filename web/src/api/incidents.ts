/**
 * Disaster mode (DOMAIN §8): the county's incidents, their households' cases, the approver's batch
 * approval, the dashboard and its XLSX export. Shapes follow functions/services/incidents/*.
 */
import { get, post, query, type RequestOptions } from "./http.ts";

export interface IncidentTownship {
  townshipId: string;
  name: string;
}

export interface Incident {
  incidentId: string;
  name: string;
  cause: string;
  causeZh: string;
  townshipIds: string[];
  townships: IncidentTownship[];
  startDate: string;
  endDate?: string;
  standardAdvanceYuan: string;
  description?: string;
  status: "active" | "ended";
  declaredBy: { userId: string; name: string };
  declaredAt: string;
}

export interface DeclareIncidentBody {
  name: string;
  cause: string;
  townshipIds: string[];
  startDate: string;
  endDate?: string;
  standardAdvanceYuan: string;
  description?: string;
}

export interface IncidentCounts {
  registered: number;
  awaitingDecision: number;
  approved: number;
  rejected: number;
  waitingForFunds: number;
  paid: number;
  approvedYuan: string;
  paidYuan: string;
}

export interface IncidentDashboard {
  incident: Incident;
  totals: IncidentCounts;
  townships: Array<IncidentCounts & IncidentTownship>;
  registrationToPayment: { count: number; medianMinutes?: number; p90Minutes?: number; maxMinutes?: number };
}

export interface IncidentCase {
  caseId: string;
  townshipId: string;
  townshipName: string;
  applicant: { name: string; document: { type: string; numberMasked: string } };
  registeredAt: string;
  status: string;
  stage: string;
  standardAdvanceYuan: string;
  approvedYuan?: string;
  paidYuan?: string;
  paidAt?: string;
  handledByReader: boolean;
}

export interface BatchResult {
  caseId: string;
  status: number;
  outcome: "approved" | "refused";
  code?: string;
  messageZh?: string;
  message?: string;
}

export interface TopUpTownship {
  townshipId: string;
  name: string;
  householdsToPay: number;
  neededYuan: string;
  allocatedYuan: string;
  outcome: "allocated" | "duplicate" | "covered";
  resumedCases: string[];
}

const enc = encodeURIComponent;

export async function listIncidents(): Promise<Incident[]> {
  return (await get<{ incidents: Incident[] }>("/incidents")).incidents;
}

export async function declareIncident(
  body: DeclareIncidentBody,
  options?: RequestOptions,
): Promise<Incident> {
  return post<Incident>("/incidents", body, options);
}

export async function endIncident(
  incidentId: string,
  reason: string,
  options?: RequestOptions,
): Promise<Incident> {
  return post<Incident>(`/incidents/${enc(incidentId)}/end`, { reason }, options);
}

export async function incidentDashboard(incidentId: string): Promise<IncidentDashboard> {
  return get<IncidentDashboard>(`/incidents/${enc(incidentId)}/dashboard`);
}

export async function incidentCases(incidentId: string, stage?: string): Promise<IncidentCase[]> {
  return (await get<{ cases: IncidentCase[] }>(`/incidents/${enc(incidentId)}/cases${query({ stage })}`))
    .cases;
}

export async function approveCases(
  incidentId: string,
  caseIds: string[],
  options?: RequestOptions,
): Promise<{ approved: number; refused: number; results: BatchResult[] }> {
  return post(`/incidents/${enc(incidentId)}/advance-decisions`, { caseIds }, options);
}

export async function topUpIncident(
  incidentId: string,
  reason: string,
  options?: RequestOptions,
): Promise<{ townships: TopUpTownship[] }> {
  return post(`/incidents/${enc(incidentId)}/top-up`, { reason }, options);
}

export async function incidentExport(
  incidentId: string,
): Promise<{ download: { url: string; fileName: string } }> {
  return get(`/incidents/${enc(incidentId)}/export`);
}
