/**
 * The TLS material of a bank–enterprise direct connection (银企直连): the client certificate AidFlow
 * presents, its private key, and the bank's CA that AidFlow trusts instead of the public roots. Kept in
 * one Secrets Manager secret (BANK_CLIENT_TLS of environment.ts) as JSON, keyed like
 * `AIDFLOW_BANK_ENDPOINTS` — a county code or `*`:
 *
 *   {"*": {"certificate": "-----BEGIN CERTIFICATE-----…", "privateKey": "-----BEGIN PRIVATE KEY-----…",
 *          "ca": "-----BEGIN CERTIFICATE-----…"}}
 *
 * Checked at cold start (config.ts), so a wrong secret fails naming what is wrong, not at the first
 * payment's handshake: every PEM parses, the key belongs to the certificate, the certificate is in
 * force. Plain node:crypto, no AWS.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as z from "zod";
import { jsonText } from "./json-text.ts";

/** What one bank connection uses; a bank on a public CA without client certificates needs none of it. */
export interface BankTlsIdentity {
  /** PEM client certificate (with its intermediates after it, if the bank wants the chain). */
  readonly certificate?: string;
  /** PEM private key of the certificate (PKCS#8 or PKCS#1, not encrypted: the secret is the protection). */
  readonly privateKey?: string;
  /** PEM certificate(s) of the CA that issued the bank's server certificate; replaces the public roots. */
  readonly ca?: string;
}

/** County code (or `*`) → that bank's TLS material, as `AIDFLOW_BANK_ENDPOINTS` names the banks. */
export type BankClientTls = Readonly<Record<string, BankTlsIdentity>>;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const Identity = z.strictObject({
  certificate: z.string().min(1).optional(),
  privateKey: z.string().min(1).optional(),
  ca: z.string().min(1).optional(),
});

/** The secret's text → the checked map; `nowMs` decides whether a certificate is in force. */
export function bankClientTlsSchema(nowMs: () => number = Date.now): z.ZodType<BankClientTls, string> {
  return jsonText(
    `must be JSON {"*":{"certificate":"…","privateKey":"…","ca":"…"}} (docs/operations.md, the bank connection)`,
  ).pipe(
    z
      .record(z.string(), Identity)
      .refine((map) => Object.keys(map).length > 0, "names no bank")
      .superRefine((map, ctx) => {
        for (const [bank, identity] of Object.entries(map)) {
          if (!/^(\*|\d{6})$/.test(bank)) {
            ctx.addIssue({ code: "custom", message: `${bank}: not a 6-digit county code or *` });
          }
          for (const problem of identityProblems(identity, nowMs())) {
            ctx.addIssue({ code: "custom", message: `${bank}: ${problem}` });
          }
        }
      }),
  );
}

/** Everything wrong with one bank's material, in words an operator can act on. */
export function identityProblems(identity: BankTlsIdentity, nowMs: number): string[] {
  const problems: string[] = [];
  const { certificate, privateKey, ca } = identity;
  if (!certificate && !privateKey && !ca) return ["holds neither a client certificate nor a CA"];
  if (Boolean(certificate) !== Boolean(privateKey)) {
    problems.push("certificate and privateKey go together: give both or neither");
  }
  if (certificate) {
    const leaf = parseCertificates(certificate, "certificate", problems)[0];
    if (leaf) {
      const notAfterMs = Date.parse(leaf.validTo);
      const notBeforeMs = Date.parse(leaf.validFrom);
      if (notAfterMs <= nowMs) problems.push(`certificate expired on ${leaf.validTo}`);
      if (notBeforeMs > nowMs) problems.push(`certificate is not valid before ${leaf.validFrom}`);
      if (privateKey) {
        try {
          if (!leaf.checkPrivateKey(createPrivateKey(privateKey))) {
            problems.push("privateKey is not the key of certificate");
          }
        } catch {
          problems.push("privateKey is not a PEM private key (unencrypted PKCS#8 or PKCS#1)");
        }
      }
    }
  }
  if (ca) parseCertificates(ca, "ca", problems);
  return problems;
}

function parseCertificates(pem: string, field: string, problems: string[]): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    problems.push(`${field} holds no PEM certificate`);
    return [];
  }
  const parsed: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      parsed.push(new X509Certificate(block));
    } catch {
      problems.push(`${field}: PEM certificate ${index + 1} does not parse`);
    }
  }
  return parsed;
}
