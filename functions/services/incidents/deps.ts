/** What the disaster-mode services use: Flow A's deps (filing, decisions), finance's (top-ups), the incidents. */
import { IncidentStore } from "#adapters/incident-store.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { flowDeps } from "../deps.ts";
import { type FinanceDeps, financeDeps } from "../finance/deps.ts";
import type { FlowDeps } from "../ports.ts";

export interface IncidentDeps {
  flow: FlowDeps;
  finance: FinanceDeps;
  incidents: IncidentStore;
  /** The main table's low-level client and name, for batch reads of the incident's cases. */
  table: string;
}

export function incidentDeps(): IncidentDeps {
  const finance = financeDeps();
  return {
    flow: flowDeps(),
    finance,
    incidents: new IncidentStore(dynamo(), config().tables.main),
    table: config().tables.main,
  };
}
