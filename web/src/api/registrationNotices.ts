/**
 * 外地受助: the notices about the county's residents aided in another county (masked) and their
 * figures per county where aided and cause — `GET /registration-notices`, `GET /registration-notices/stats`.
 */
import type { Answer, Query } from "./contract.ts";
import { get, query } from "./http.ts";

export type NoticePage = Answer<"/registration-notices">;
export type RegistrationNotice = NoticePage["items"][number];
export type NoticeStats = Answer<"/registration-notices/stats">;

/** The period of Asia/Shanghai dates the notices and figures cover. */
export type NoticePeriod = Pick<Query<"/registration-notices">, "from" | "to">;

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
