/**
 * The bank gateways of a deployment. What they are built from — `AIDFLOW_BANK_ENDPOINTS`, the
 * request secret (Secrets Manager), `AIDFLOW_BANK_TIMEOUT_MS` — is read and validated once by
 * functions/runtime/config.ts (`config().bank`), for the functions whose catalog entry declares it.
 */
import { HttpBankGateway } from "./http-bank-gateway.ts";

/** Resolves the gateway of a county: its own bank endpoint, or the `*` default. */
export type GatewayForCounty = (countyCode: string) => HttpBankGateway;

export function gatewaysFrom(bank: {
  endpoints: Readonly<Record<string, string>>;
  requestSecret: string;
  timeoutMs: number;
}): GatewayForCounty {
  const { endpoints, requestSecret, timeoutMs } = bank;
  const cache = new Map<string, HttpBankGateway>();
  return (countyCode) => {
    const baseUrl = endpoints[countyCode] ?? endpoints["*"];
    if (!baseUrl)
      throw new Error(`No bank endpoint configured for county ${countyCode} (AIDFLOW_BANK_ENDPOINTS)`);
    let gateway = cache.get(baseUrl);
    if (!gateway) {
      gateway = new HttpBankGateway({ baseUrl, requestSecret, timeoutMs });
      cache.set(baseUrl, gateway);
    }
    return gateway;
  };
}
