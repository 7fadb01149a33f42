/**
 * DOMAIN §7: only an officer of the township may attest the identity of an applicant without a
 * document, and only on a filing the officer makes: the attesting officer IS the signed-in filer.
 * An applicant cannot attest for themselves, nor name an officer.
 */
import type { IdentityDocument } from "../../identity/documents.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { compliant, noncompliant, notApplicable, type RuleOutcome } from "./outcome.ts";

export interface AttestationInput {
  document: IdentityDocument;
  /** The signed-in filer. */
  filer: { userId: string; roles: readonly string[]; townshipId?: string };
  /** Township of the filing (the place of emergency). */
  townshipId: string;
}

/** The field of each refusal: `…document.type` (the filer may not attest) or `…attestingOfficerId`. */
export const ATTESTATION_FIELDS = {
  filer: "applicant.document.type",
  officer: "applicant.document.attestingOfficerId",
} as const;

export function officerAttestation(input: AttestationInput, policy: ResolvedPolicy): RuleOutcome {
  const v = policy.policyVersionId;
  const { document, filer } = input;
  if (document.type !== "none-officer-attests") {
    return notApplicable("officer-attestation", v, "the applicant has a document");
  }
  if (!filer.roles.includes("township-officer") || filer.townshipId !== input.townshipId) {
    return noncompliant(
      "officer-attestation",
      v,
      ATTESTATION_FIELDS.filer,
      "without a document, an officer of the township files on the applicant's behalf and attests the identity",
      "无证件的申请须由受理乡镇的经办人代为申请并核实身份",
    );
  }
  if (document.attestingOfficerId !== undefined && document.attestingOfficerId !== filer.userId) {
    return noncompliant(
      "officer-attestation",
      v,
      ATTESTATION_FIELDS.officer,
      "the attesting officer is the officer who files; another officer cannot be named",
      "核实身份的经办人即提交申请的经办人本人，不能填写其他人员",
    );
  }
  return compliant("officer-attestation", v);
}
