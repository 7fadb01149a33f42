/**
 * Requests to the local runtime's endpoints go unsigned: DynamoDB Local and the local Step Functions
 * layer check no signature, and SigV4 signing was ≈ 7 % of a county seed's Node time (issue 23 §4,
 * bench/county/cpu.ts). The SDK's own counterpart is @smithy/core's `NoAuthSigner` (operations
 * modelled without auth); a client's `signer` option takes a request signer like this one.
 * DynamoDB Local still refuses a request without an `Authorization` header
 * (MissingAuthenticationToken), so the signer sets a fixed one that names the access key and region.
 * A client of any other endpoint (AWS) keeps the SDK's SigV4 signer: only a loopback endpoint — the
 * local runtime's, never AWS's — gets this one.
 */
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";

/** The request signer a client's `signer` option takes (not the provider form). */
export type RequestSigner = Exclude<
  NonNullable<DynamoDBClientConfig["signer"]>,
  (...args: never[]) => unknown
>;

/** Host names of this machine (URL.hostname keeps IPv6 brackets). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** True for an endpoint on this machine (the local runtime's DynamoDB or Step Functions). */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  try {
    return LOOPBACK_HOSTS.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** A signer that only sets a fixed `Authorization` header (no hashing, no HMAC). */
export function unsignedLocalSigner(credential: {
  accessKeyId: string;
  region: string;
  service: string;
}): RequestSigner {
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${credential.accessKeyId}/20000101/${credential.region}/` +
    `${credential.service}/aws4_request, SignedHeaders=host, Signature=unsigned-local`;
  return {
    sign: async (request) => {
      request.headers.authorization = authorization;
      return request;
    },
  };
}

/**
 * `{ signer }` for a client of a loopback endpoint, `{}` for any other (the SDK's SigV4 signer).
 * `endpoint` is the one the client will use (explicit, or the SDK's `AWS_ENDPOINT_URL_<SERVICE>`).
 */
export function signerForEndpoint(
  endpoint: string | undefined,
  credential: { accessKeyId: string; region: string; service: string },
): { signer?: RequestSigner } {
  return isLoopbackEndpoint(endpoint) ? { signer: unsignedLocalSigner(credential) } : {};
}
