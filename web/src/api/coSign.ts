/**
 * The paperwork's co-signature (DOMAIN §3.4): the township's officers the paperwork may name, the
 * recording waiting for the other investigators, and their confirmation with their own sign-in.
 * Paths follow `functions/catalog.ts` (PaperworkCoSign).
 */
import type { Answer, Body } from "./contract.ts";
import { get, post, type RequestOptions } from "./http.ts";

type OfficersAnswer = Answer<"/townships/{townshipId}/officers">;
type PendingAnswer = Answer<"/cases/{caseId}/paperwork/co-sign">;

export type Officer = OfficersAnswer["officers"][number];
export type CoSignatureView = NonNullable<PendingAnswer["coSignature"]>;

export async function townshipOfficers(townshipId: string): Promise<Officer[]> {
  const answer = await get<OfficersAnswer>(`/townships/${encodeURIComponent(townshipId)}/officers`);
  return answer.officers;
}

export async function pendingCoSignature(caseId: string): Promise<CoSignatureView | null> {
  const answer = await get<PendingAnswer>(`/cases/${encodeURIComponent(caseId)}/paperwork/co-sign`);
  return answer.coSignature;
}

type CoSignAnswer = Answer<"/cases/{caseId}/paperwork/co-sign", "post">;
export type CoSignBody = Body<"/cases/{caseId}/paperwork/co-sign">;

export async function coSign(
  caseId: string,
  body: CoSignBody,
  options?: RequestOptions,
): Promise<CoSignAnswer> {
  return await post<CoSignAnswer>(`/cases/${encodeURIComponent(caseId)}/paperwork/co-sign`, body, options);
}
