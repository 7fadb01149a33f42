/**
 * The bank gateways of a deployment. What they are built from — `AIDFLOW_BANK_ENDPOINTS`, the
 * request secret and the mutual-TLS secret (Secrets Manager), `AIDFLOW_BANK_TIMEOUT_MS` — is read and
 * validated once by functions/runtime/config.ts (`config().bank`), for the functions whose catalog
 * entry declares it.
 */
import type { BankClientTls } from "#functions/runtime/bank-client-tls.ts";
import { HttpBankGateway } from "./http-bank-gateway.ts";

/** Resolves the gateway of a county: its own bank endpoint, or the `*` default. */
export type GatewayForCounty = (countyCode: string) => HttpBankGateway;

export function gatewaysFrom(bank: {
  endpoints: Readonly<Record<string, string>>;
  requestSecret: string;
  timeoutMs: number;
  clientTls?: BankClientTls | undefined;
}): GatewayForCounty {
  const { endpoints, requestSecret, timeoutMs, clientTls } = bank;
  const cache = new Map<string, HttpBankGateway>();
  return (countyCode) => {
    // The TLS material goes with the endpoint it was issued for: a county with a bank of its own never
    // presents the `*` bank's certificate.
    const key = endpoints[countyCode] ? countyCode : "*";
    const baseUrl = endpoints[key];
    if (!baseUrl)
      throw new Error(`No bank endpoint configured for county ${countyCode} (AIDFLOW_BANK_ENDPOINTS)`);
    let gateway = cache.get(key);
    if (!gateway) {
      const tls = clientTls?.[key];
      gateway = new HttpBankGateway({ baseUrl, requestSecret, timeoutMs, ...(tls ? { tls } : {}) });
      cache.set(key, gateway);
    }
    return gateway;
  };
}
