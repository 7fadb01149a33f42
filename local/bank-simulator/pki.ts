/**
 * The bank simulator's own test PKI for mutual TLS: a CA standing for the bank's, the bank's server
 * certificate (127.0.0.1 and localhost) and a client certificate for AidFlow issued from a CSR, as a real
 * bank issues one from the CSR a county sends (docs/operations.md). Nothing here is for production:
 * keys are generated on this machine and kept, at most, in a local directory.
 *
 * Keys come from node:crypto (fast, native); node-forge builds and signs the certificates and CSRs.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import forge from "node-forge";

export interface PemPair {
  certificate: string;
  privateKey: string;
}

export interface BankPki {
  /** The CA AidFlow trusts for the bank's server, which also issues (and checks) client certificates. */
  ca: PemPair;
  /** What the simulator's https server presents. */
  server: PemPair;
  /** AidFlow's client certificate, issued by `ca` from AidFlow's CSR. */
  client: PemPair;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Short on purpose: a test PKI that outlives its tests is one nobody regenerates. */
const VALID_DAYS = 30;
const FILES = { ca: "ca", server: "server", client: "client" } as const;

/** A fresh key pair: PKCS#8 PEM private key and the forge public key to certify. */
function newKey(): {
  privateKey: string;
  forgeKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.PublicKey;
} {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: pem, forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function subject(commonName: string): forge.pki.CertificateField[] {
  return [
    { name: "countryName", value: "CN" },
    { name: "organizationName", value: "AidFlow bank simulator" },
    { name: "commonName", value: commonName },
  ];
}

interface Issue {
  publicKey: forge.pki.PublicKey;
  subject: forge.pki.CertificateField[];
  extensions: object[];
  issuer?: { certificate: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  selfKey?: forge.pki.rsa.PrivateKey;
  nowMs: number;
}

function issue(spec: Issue): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.publicKey;
  // Positive, random: two PKIs never share a serial with the same issuer name.
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = new Date(spec.nowMs - DAY_MS);
  cert.validity.notAfter = new Date(spec.nowMs + VALID_DAYS * DAY_MS);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer ? spec.issuer.certificate.subject.attributes : spec.subject);
  cert.setExtensions(spec.extensions);
  const key = spec.issuer?.key ?? spec.selfKey;
  if (!key) throw new Error("a certificate needs an issuer key or its own");
  cert.sign(key, forge.md.sha256.create());
  return cert;
}

/** A CA that signs server and client certificates. */
export function createCa(commonName = "AidFlow bank simulator test CA", nowMs = Date.now()): PemPair {
  const key = newKey();
  const cert = issue({
    publicKey: key.publicKey,
    subject: subject(commonName),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ],
    selfKey: key.forgeKey,
    nowMs,
  });
  return { certificate: forge.pki.certificateToPem(cert), privateKey: key.privateKey };
}

/** What a county does: a key and a CSR for the bank to sign (the key never leaves). */
export function createClientRequest(commonName: string): { csr: string; privateKey: string } {
  const key = newKey();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = key.publicKey;
  csr.setSubject(subject(commonName));
  csr.sign(key.forgeKey, forge.md.sha256.create());
  return { csr: forge.pki.certificationRequestToPem(csr), privateKey: key.privateKey };
}

/** What the bank does with the CSR: a client-authentication certificate signed by its CA. */
export function issueClientCertificate(ca: PemPair, csrPem: string, nowMs = Date.now()): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  if (!csr.verify()) throw new Error("the CSR's signature does not verify");
  const cert = issue({
    publicKey: csr.publicKey as forge.pki.PublicKey,
    subject: csr.subject.attributes,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
    issuer: caOf(ca),
    nowMs,
  });
  return forge.pki.certificateToPem(cert);
}

function serverCertificate(ca: PemPair, nowMs: number): PemPair {
  const key = newKey();
  const cert = issue({
    publicKey: key.publicKey,
    subject: subject("127.0.0.1"),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
    issuer: caOf(ca),
    nowMs,
  });
  return { certificate: forge.pki.certificateToPem(cert), privateKey: key.privateKey };
}

function caOf(ca: PemPair): { certificate: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  return {
    certificate: forge.pki.certificateFromPem(ca.certificate),
    key: forge.pki.privateKeyFromPem(ca.privateKey) as forge.pki.rsa.PrivateKey,
  };
}

/** A whole test PKI: the CA, the simulator's server certificate, AidFlow's client certificate. */
export function createBankPki(nowMs = Date.now()): BankPki {
  const ca = createCa(undefined, nowMs);
  const request = createClientRequest("aidflow-local");
  return {
    ca,
    server: serverCertificate(ca, nowMs),
    client: { certificate: issueClientCertificate(ca, request.csr, nowMs), privateKey: request.privateKey },
  };
}

/**
 * The PKI kept in `dir` (`ca.pem`, `ca.key`, `server.pem`, …), created there on first use and again
 * when it is about to expire, so `npm start` presents the same certificates after a restart.
 */
export function loadOrCreateBankPki(dir: string, nowMs = Date.now()): BankPki {
  const read = (name: string): PemPair | undefined => {
    const certificate = path.join(dir, `${name}.pem`);
    const privateKey = path.join(dir, `${name}.key`);
    if (!existsSync(certificate) || !existsSync(privateKey)) return undefined;
    return { certificate: readFileSync(certificate, "utf8"), privateKey: readFileSync(privateKey, "utf8") };
  };
  const ca = read(FILES.ca);
  const server = read(FILES.server);
  const client = read(FILES.client);
  if (ca && server && client && [ca, server, client].every((pair) => inForce(pair, nowMs))) {
    return { ca, server, client };
  }
  const fresh = createBankPki(nowMs);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of Object.values(FILES)) {
    writeFileSync(path.join(dir, `${name}.pem`), fresh[name].certificate);
    writeFileSync(path.join(dir, `${name}.key`), fresh[name].privateKey, { mode: 0o600 });
  }
  return fresh;
}

/** In force for at least another day. */
function inForce(pair: PemPair, nowMs: number): boolean {
  const cert = forge.pki.certificateFromPem(pair.certificate);
  return cert.validity.notBefore.getTime() <= nowMs && cert.validity.notAfter.getTime() > nowMs + DAY_MS;
}

/**
 * AidFlow's side of the PKI as the secret holds it (functions/runtime/bank-client-tls.ts): the client
 * certificate and key, and the CA to trust for the bank's server.
 */
export function clientTlsSecret(pki: BankPki, bank = "*"): string {
  return JSON.stringify({
    [bank]: {
      certificate: pki.client.certificate,
      privateKey: pki.client.privateKey,
      ca: pki.ca.certificate,
    },
  });
}
