/**
 * Identity documents accepted (DOMAIN §2.1): people without a Chinese ID number — migrants,
 * Hong Kong / Macao / Taiwan residents, foreigners — can still be aided with another document, and
 * when there is none an officer attests the identity.
 */
import * as z from "zod";
import { parseWith } from "../policy/validation.ts";
import { checkResidentId, normalizeResidentId, residentIdCheckCharacter } from "./residentId.ts";

export const DOCUMENT_TYPES = [
  "resident-id",
  "passport",
  "hk-macao-permit",
  "taiwan-permit",
  "foreigner-permanent-residence",
  "residence-permit",
  "none-officer-attests",
] as const;

export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_NAMES_ZH: Readonly<Record<DocumentType, string>> = {
  "resident-id": "居民身份证",
  passport: "护照",
  "hk-macao-permit": "港澳居民来往内地通行证",
  "taiwan-permit": "台湾居民来往大陆通行证",
  "foreigner-permanent-residence": "外国人永久居留身份证",
  "residence-permit": "居住证",
  "none-officer-attests": "无证件（经办人核实）",
};

const normalized = z.string().transform((s) => normalizeResidentId(s).replace(/\s+/g, ""));

function gb11643(field: string) {
  return normalized.superRefine((value, ctx) => {
    const check = checkResidentId(value);
    if (!check.valid) {
      ctx.addIssue({
        code: "custom",
        message: `${field}: ${check.message}`,
        params: { zh: check.messageZh },
      });
    }
  });
}

function pattern(regex: RegExp, message: string, zh: string) {
  return normalized.superRefine((value, ctx) => {
    if (!regex.test(value)) ctx.addIssue({ code: "custom", message, params: { zh } });
  });
}

export const IdentityDocumentSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resident-id"), number: gb11643("resident ID") }).strict(),
  z
    .object({
      type: z.literal("passport"),
      number: pattern(
        /^[A-Z0-9]{5,17}$/,
        "passport number: 5–17 letters or digits",
        "护照号码为5–17位字母或数字",
      ),
      /** ISO 3166-1 alpha-3 nationality, e.g. "RUS". */
      nationality: pattern(/^[A-Z]{3}$/, "ISO 3166 alpha-3 code", "国籍须为三位字母代码"),
    })
    .strict(),
  z
    .object({
      type: z.literal("hk-macao-permit"),
      number: pattern(/^[HM]\d{8}(\d{2})?$/, "H or M followed by 8 or 10 digits", "H或M开头加8位或10位数字"),
    })
    .strict(),
  z
    .object({
      type: z.literal("taiwan-permit"),
      number: pattern(
        /^(\d{8}|\d{10}[A-Z]?)$/,
        "8 digits (or 10 digits of the old card)",
        "8位数字（旧版10位）",
      ),
    })
    .strict(),
  z
    .object({
      type: z.literal("foreigner-permanent-residence"),
      // 2017 card: 3 letters + 12 digits; 2023 card: 18 characters starting with 9, GB 11643 check digit.
      number: normalized.superRefine((value, ctx) => {
        const old = /^[A-Z]{3}\d{12}$/.test(value);
        const current = isCurrentForeignerCard(value);
        if (!old && !current) {
          ctx.addIssue({
            code: "custom",
            message: "3 letters + 12 digits, or 18 characters starting with 9 with a valid check digit",
            params: { zh: "须为3位字母加12位数字，或以9开头的18位号码（校验码正确）" },
          });
        }
      }),
    })
    .strict(),
  /** 居住证: mainland migrants carry their ID number; 港澳台居民居住证 use 81/82/83 region codes. */
  z.object({ type: z.literal("residence-permit"), number: gb11643("residence permit") }).strict(),
  /**
   * No document: the filing officer attests the identity (DOMAIN §7). The attesting officer is the
   * signed-in filer; a typed id is accepted only when it names the filer (core/cases officerAttestation).
   */
  z
    .object({
      type: z.literal("none-officer-attests"),
      attestingOfficerId: z.string().trim().min(1).max(128).optional(),
      reason: z.string().trim().min(1).max(500),
    })
    .strict(),
]);

export type IdentityDocument = z.output<typeof IdentityDocumentSchema>;

/** The 2023 foreigner card: "9" + 16 digits + a GB 11643 check character over the first 17. */
function isCurrentForeignerCard(value: string): boolean {
  return /^9\d{16}[\dX]$/.test(value) && residentIdCheckCharacter(value.slice(0, -1)) === value.at(-1);
}

export function parseIdentityDocument(input: unknown, prefix = "identityDocument"): IdentityDocument {
  return parseWith(IdentityDocumentSchema, input, "identity document", "身份证件", prefix);
}

/** The document's number, or undefined for an officer attestation. */
export function documentNumber(doc: IdentityDocument): string | undefined {
  return doc.type === "none-officer-attests" ? undefined : doc.number;
}
