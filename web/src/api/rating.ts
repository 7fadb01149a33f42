/**
 * 好差评 (DOMAIN §8): the applicant's rating of an ended case, and the county's satisfaction by
 * township; plus the case's photos with their download links (thumbnails on the applicant's page).
 */
import type { Answer, Body } from "./contract.ts";
import { get, post, query, type RequestOptions } from "./http.ts";
import type { components } from "./schema.ts";

type RateBody = Body<"/cases/{caseId}/rating">;
export type Rating = components["schemas"]["Rating"];
export type RatingLevel = Rating["level"];
export type Satisfaction = components["schemas"]["Satisfaction"];
export type TownshipSatisfaction = Satisfaction["townships"][number];

/** The case's rating, and whether the signed-in reader may rate it now (its applicant, ended, not rated). */
export async function getRating(caseId: string): Promise<{ rating: Rating | null; rateable: boolean }> {
  const { rating, rateable } = await get<Answer<"/cases/{caseId}/rating">>(
    `/cases/${encodeURIComponent(caseId)}/rating`,
  );
  return { rating, rateable };
}

export async function rateCase(caseId: string, body: RateBody, options?: RequestOptions): Promise<Rating> {
  return await post<Rating>(`/cases/${encodeURIComponent(caseId)}/rating`, body, options);
}

export async function getSatisfaction(countyId?: string): Promise<Satisfaction> {
  return await get<Satisfaction>(`/satisfaction${query({ countyId })}`);
}

/** A case's photo: a short-lived link to the stored file (no token needed), absent until the upload landed. */
export interface CasePhoto {
  documentId: string;
  kind: CaseDocument["kind"];
  contentType: string;
  url?: string;
}

type CaseDocument = components["schemas"]["CaseDocument"];

export async function casePhotos(caseId: string): Promise<CasePhoto[]> {
  const { documents } = await get<Answer<"/cases/{caseId}/documents">>(
    `/cases/${encodeURIComponent(caseId)}/documents`,
  );
  return documents.map((d) => ({
    documentId: d.docId,
    kind: d.kind,
    contentType: d.contentType,
    ...(d.download ? { url: d.download.url } : {}),
  }));
}
