/**
 * The paperwork's co-signature (DOMAIN §3.4): the township's officers the paperwork may name, the
 * recording waiting for the other investigators, and their confirmation with their own sign-in.
 * Paths follow `functions/catalog.ts` (PaperworkCoSign).
 */
import { get, post, type RequestOptions } from "./http.ts";

export interface Officer {
  userId: string;
  name: string;
}

export interface CoSignatureView {
  caseId: string;
  round: number;
  status: "pending" | "rejected" | "completed";
  recordedBy: { userId: string; name: string };
  recordedAt: string;
  investigators: { userId: string; visitedAt: string }[];
  economicCheck?: { result: string; reference?: string };
  facts?: string;
  goodFaithBasis?: string;
  fraudFound?: boolean;
  late: boolean;
  awaiting: string[];
  signatures: { userId: string; name: string; at: string }[];
  rejection?: { userId: string; name: string; at: string; reason: string };
}

export async function townshipOfficers(townshipId: string): Promise<Officer[]> {
  const answer = await get<{ officers: Officer[] }>(`/townships/${encodeURIComponent(townshipId)}/officers`);
  return answer.officers;
}

export async function pendingCoSignature(caseId: string): Promise<CoSignatureView | null> {
  const answer = await get<{ coSignature: CoSignatureView | null }>(
    `/cases/${encodeURIComponent(caseId)}/paperwork/co-sign`,
  );
  return answer.coSignature;
}

export type CoSignBody = { decision: "confirm" } | { decision: "reject"; reason: string };

export async function coSign(caseId: string, body: CoSignBody, options?: RequestOptions): Promise<unknown> {
  return await post(`/cases/${encodeURIComponent(caseId)}/paperwork/co-sign`, body, options);
}
