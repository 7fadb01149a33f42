/**
 * 好差评 (DOMAIN §8): the applicant's rating of an ended case, and the county's satisfaction by
 * township; plus the case's photos with their download links (thumbnails on the applicant's page).
 */
import { get, post, query, type RequestOptions } from "./http.ts";
import type { paths } from "./schema.ts";

type RateBody = NonNullable<
  paths["/cases/{caseId}/rating"]["post"]["requestBody"]
>["content"]["application/json"];
export type RatingLevel = RateBody["level"];

export interface Rating {
  caseId: string;
  level: RatingLevel;
  reason?: string;
  ratedAt: string;
}

/** The case's rating, and whether the signed-in reader may rate it now (its applicant, ended, not rated). */
export async function getRating(caseId: string): Promise<{ rating: Rating | null; rateable: boolean }> {
  const body = await get<{ rating: Rating | null; rateable?: boolean }>(
    `/cases/${encodeURIComponent(caseId)}/rating`,
  );
  return { rating: body.rating ?? null, rateable: body.rateable === true };
}

export async function rateCase(caseId: string, body: RateBody, options?: RequestOptions): Promise<Rating> {
  return await post<Rating>(`/cases/${encodeURIComponent(caseId)}/rating`, body, options);
}

export interface TownshipSatisfaction {
  townshipId: string;
  name?: string;
  ratings: number;
  satisfied: number;
  satisfiedPercent: string | null;
  levels: Record<RatingLevel, number>;
}

export interface Satisfaction {
  countyId: string;
  ratings: number;
  satisfied: number;
  satisfiedPercent: string | null;
  townships: TownshipSatisfaction[];
}

export async function getSatisfaction(countyId?: string): Promise<Satisfaction> {
  return await get<Satisfaction>(`/satisfaction${query({ countyId })}`);
}

export interface CasePhoto {
  documentId: string;
  kind: string;
  contentType: string;
  /** A short-lived link to the stored file (no token needed); absent until the upload landed. */
  url?: string;
}

export async function casePhotos(caseId: string): Promise<CasePhoto[]> {
  const body = await get<{ documents?: Array<Record<string, unknown>> }>(
    `/cases/${encodeURIComponent(caseId)}/documents`,
  );
  return (body.documents ?? []).map((d) => {
    const download = (d.download ?? {}) as { url?: unknown };
    return {
      documentId: String(d.docId ?? ""),
      kind: String(d.kind ?? "other"),
      contentType: String(d.contentType ?? ""),
      ...(typeof download.url === "string" ? { url: download.url } : {}),
    };
  });
}
