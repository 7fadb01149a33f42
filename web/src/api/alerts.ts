/**
 * Early warnings (主动发现): the township's alerts to verify, the visit by two officers, filing on
 * the person's behalf. Shapes follow functions/services/alerts/verification.ts.
 */
import { get, post, query, type RequestOptions } from "./http.ts";

export interface AlertVisitView {
  round: number;
  visitedOn: string;
  outcome: { kind: string; reason?: string; body?: string; retryBy?: string; note?: string };
  outcomeZh: string;
  recordedBy: { userId: string; name: string };
  coVisitor: { userId: string; name: string };
  status: "pending" | "confirmed" | "rejected";
  confirmedAt?: string;
  rejection?: { reason: string; name: string };
}

export interface AlertView {
  alertId: string;
  townshipId: string;
  townshipName: string;
  person: { name?: string; idNumberMasked?: string; address?: string };
  kind: string;
  kindZh: string;
  source: string;
  reportedOn: string;
  evidence: string;
  receivedAt: string;
  status: "open" | "awaiting-co-sign" | "retry" | "to-file" | "verified";
  statusZh: string;
  dueAt: string;
  overdue: boolean;
  escalated: boolean;
  visits: AlertVisitView[];
  caseId?: string;
  prefill: {
    townshipId: string;
    cause: string;
    description: string;
    applicantName?: string;
    address?: string;
  };
}

export interface VisitBody {
  visitedOn: string;
  coVisitorUserId: string;
  outcome: Record<string, string>;
}

export const listAlerts = (filter: { status?: string } = {}) =>
  get<{ alerts: AlertView[] }>(`/early-warnings${query(filter)}`).then((r) => r.alerts);

export const townshipOfficers = (townshipId: string) =>
  get<{ officers: Array<{ userId: string; name: string }> }>(`/townships/${townshipId}/officers`).then(
    (r) => r.officers,
  );

export const recordVisit = (alertId: string, body: VisitBody, options?: RequestOptions) =>
  post<AlertView>(`/early-warnings/${alertId}/visits`, body, options);

export const coSignVisit = (
  alertId: string,
  body: { decision: "confirm" } | { decision: "reject"; reason: string },
  options?: RequestOptions,
) => post<AlertView>(`/early-warnings/${alertId}/visits/co-sign`, body, options);

export const fileForAlert = (alertId: string, body: Record<string, unknown>, options?: RequestOptions) =>
  post<{ alertId: string; case: { caseId: string; status: string } }>(
    `/early-warnings/${alertId}/filing`,
    body,
    options,
  );
