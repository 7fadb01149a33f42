/**
 * 外地受助: the notices about the county's residents aided in another county (masked) and their
 * figures per county where aided and cause — `GET /registration-notices`, `GET /registration-notices/stats`.
 */
import { get, query } from "./http.ts";
import type { paths } from "./schema.ts";

export type NoticePage =
  paths["/registration-notices"]["get"]["responses"][200]["content"]["application/json"];
export type RegistrationNotice = NoticePage["items"][number];
export type NoticeStats =
  paths["/registration-notices/stats"]["get"]["responses"][200]["content"]["application/json"];

export interface NoticePeriod {
  from?: string;
  to?: string;
}

export async function registrationNotices(
  period: NoticePeriod,
  cursor?: string,
  limit = 50,
): Promise<NoticePage> {
  return await get<NoticePage>(`/registration-notices${query({ ...period, cursor, limit })}`);
}

export async function registrationNoticeStats(period: NoticePeriod): Promise<NoticeStats> {
  return await get<NoticeStats>(`/registration-notices/stats${query({ ...period })}`);
}
