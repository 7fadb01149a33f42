/**
 * Early warnings (主动发现): the township's alerts to verify, the visit by two officers, filing on
 * the person's behalf. Request and answer types come from the API document (schema.ts) through
 * contract.ts.
 */
import type { Answer, Body } from "./contract.ts";
import { get, post, query, type RequestOptions } from "./http.ts";

export type AlertView = Answer<"/early-warnings/{alertId}">;
export type AlertVisitView = AlertView["visits"][number];
export type VisitBody = Body<"/early-warnings/{alertId}/visits">;
export type CoSignBody = Body<"/early-warnings/{alertId}/visits/co-sign">;
export type AlertFilingBody = Body<"/early-warnings/{alertId}/filing">;
/** An early warning of the work queue (`GET /work-queue`'s first page). */
export type AlertWorkItem = NonNullable<Answer<"/work-queue">["alerts"]>[number];

const enc = encodeURIComponent;

export const listAlerts = (filter: { status?: string } = {}) =>
  get<Answer<"/early-warnings">>(`/early-warnings${query(filter)}`).then((r) => r.alerts);

export const townshipOfficers = (townshipId: string) =>
  get<Answer<"/townships/{townshipId}/officers">>(`/townships/${enc(townshipId)}/officers`).then(
    (r) => r.officers,
  );

export const recordVisit = (alertId: string, body: VisitBody, options?: RequestOptions) =>
  post<Answer<"/early-warnings/{alertId}/visits", "post", 201>>(
    `/early-warnings/${enc(alertId)}/visits`,
    body,
    options,
  );

export const coSignVisit = (alertId: string, body: CoSignBody, options?: RequestOptions) =>
  post<Answer<"/early-warnings/{alertId}/visits/co-sign", "post">>(
    `/early-warnings/${enc(alertId)}/visits/co-sign`,
    body,
    options,
  );

export const fileForAlert = (alertId: string, body: AlertFilingBody, options?: RequestOptions) =>
  post<Answer<"/early-warnings/{alertId}/filing", "post", 201>>(
    `/early-warnings/${enc(alertId)}/filing`,
    body,
    options,
  );
