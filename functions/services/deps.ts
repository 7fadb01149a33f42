/**
 * Production wiring of `FlowDeps`: the same object in AWS and on the local runtime (only the
 * endpoints differ, through the SDK's `AWS_ENDPOINT_URL_*`). Built once per process (cold start).
 * Tests call `createFlowDeps` with their own tables, clock and gateway.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AuditStore } from "#adapters/audit-store.ts";
import { CaseStore } from "#adapters/case-store.ts";
import { CoSignatureStore } from "#adapters/co-signature-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { HumanTaskStore } from "#adapters/human-task-store.ts";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import { MessageStore } from "#adapters/message-store.ts";
import { Outbox } from "#adapters/outbox.ts";
import { accountVault } from "#adapters/payments/account-vault.ts";
import { gatewaysFrom } from "#adapters/payments/config.ts";
import type { PaymentGateway } from "#adapters/payments/gateway.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import { RegistrationNoticeStore } from "#adapters/registration-notice-store.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { stepFunctions, type WorkflowPort } from "#adapters/step-functions.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import { BusinessRuleError } from "#core/errors.ts";
import {
  attestedPersonKey,
  type IdentityDocument,
  maskIdNumber,
  maskPhone,
  personKey,
} from "#core/identity/index.ts";
import { LedgerUnavailableError } from "#core/ledger/errors.ts";
import { now as clockNow } from "#functions/runtime/clock.ts";
import { config, dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient } from "#functions/runtime/dynamo-client.ts";
import {
  derivedLocalKey,
  FieldCipher,
  type FieldKeySource,
  keyWrapperFor,
} from "#functions/runtime/field-encryption.ts";
import { logger } from "#functions/runtime/logger.ts";
import type { AuditPort, FlowDeps, IdentityPort, LedgerPort } from "./ports.ts";
import { StoredCalendars, StoredPolicySource } from "./reference-data.ts";

/** The ledger refused an entry for a reason no wait can cure (closed period, unknown fund). */
export class LedgerRejectedError extends BusinessRuleError {
  override readonly code = "LEDGER_REJECTED";
}

export function ledgerPort(writer: LedgerWriter, now: () => Date): LedgerPort {
  return {
    async submit(request) {
      const outcome = await writer.submit({
        entryId: request.entryId,
        fundId: request.townshipId,
        kind: request.kind,
        ...(request.drawKind ? { drawKind: request.drawKind } : {}),
        amountYuan: request.amountYuan,
        bookedAt: now().toISOString(),
        reference: request.reference,
      });
      if (outcome.status === "applied" || outcome.status === "duplicate") return outcome.status;
      if (outcome.reason === "insufficient-funds") return "insufficient-funds";
      throw new LedgerRejectedError(outcome.message, outcome.messageZh, {
        details: { reason: outcome.reason },
      });
    },
    async fund(townshipId) {
      try {
        const view = await writer.store.getFund(townshipId);
        return {
          balanceYuan: view.balanceYuan.toString(),
          committedYuan: view.committedYuan.toString(),
          availableYuan: view.availableYuan.toString(),
        };
      } catch (error) {
        if ((error as Error).name === "NotFoundError") return undefined;
        throw error;
      }
    },
  };
}

export function identityPort(hashKey: string): IdentityPort {
  return {
    check(document) {
      const doc = document as unknown as IdentityDocument;
      const key = personKey(hashKey, doc);
      const number = "number" in doc ? doc.number : undefined;
      return {
        numberMasked: number ? maskIdNumber(number) : "",
        // An officer-attested identity has no number to compare: it is its own person.
        personKey: key ?? `attested-${randomUUID()}`,
      };
    },
    attestedKey: (townshipId, name) => attestedPersonKey(hashKey, townshipId, name),
    maskPhone,
  };
}

export function auditPort(store: AuditStore): AuditPort {
  return {
    async append(event) {
      await store.append({
        countyId: event.countyId,
        townshipId: event.townshipId,
        actor: {
          userId: event.actorUserId,
          name: event.actorName ?? event.actorUserId,
          roles: event.actorRoles as never,
        },
        action: event.action,
        resourceType: "case",
        resourceId: event.caseId,
        ...(event.why ? { reason: event.why } : {}),
        ...(event.before !== undefined ? { before: event.before } : {}),
        ...(event.after !== undefined ? { after: event.after } : {}),
        ...(event.correlationId ? { correlationId: event.correlationId } : {}),
        ...(event.dedupKey ? { dedupKey: event.dedupKey } : {}),
      });
    },
  };
}

export interface CreateFlowDepsOptions {
  client: DynamoDBClient;
  tables: { main: string; ledger: string };
  identityHashKey: string;
  /** A function when it is read on first use (only payment steps declare it). */
  payeeHashSecret: string | (() => string);
  /** The key of sealed bank accounts; without it, a local key derived from the payee hash secret. */
  accountKey?: () => FieldKeySource;
  bankCallbackUrl: () => string;
  gateway: (countyId: string) => PaymentGateway;
  workflow?: WorkflowPort;
  now?: () => Date;
  stateMachines?: { flowA?: string; flowB?: string };
  /** The process's one ledger writer, shared with finance (`processAdapters`); a new one when absent. */
  ledgerWriter?: LedgerWriter;
  /** The SNS topic the outbox also publishes to (configuration); the table only without it. */
  notificationsTopicArn?: string;
}

export function createFlowDeps(options: CreateFlowDepsOptions): FlowDeps {
  const db = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const now = options.now ?? clockNow;
  const payeeHashSecret =
    typeof options.payeeHashSecret === "function"
      ? options.payeeHashSecret
      : () => options.payeeHashSecret as string;
  const writer = options.ledgerWriter ?? new LedgerWriter({ client: options.client, tables: options.tables });
  const fieldKey =
    options.accountKey ?? (() => ({ kind: "local" as const, key: derivedLocalKey(payeeHashSecret()) }));
  // Built on first use: the key source may be read only once the configuration is loaded.
  let phoneCipher: FieldCipher | undefined;
  const cipher = () => {
    phoneCipher ??= new FieldCipher(keyWrapperFor(fieldKey()));
    return phoneCipher;
  };
  const sealsPhones = {
    seal: (value: string, purpose: string) => cipher().seal(value, purpose),
    open: (sealed: string, purpose: string) => cipher().open(sealed, purpose),
  };
  return {
    cases: new CaseStore(db, options.tables.main),
    tasks: new HumanTaskStore(db, options.tables.main),
    coSignatures: new CoSignatureStore(db, options.tables.main),
    users: new UserDirectory(db, options.tables.main),
    outbox: new Outbox(db, options.tables.main, options.notificationsTopicArn),
    registrationNotices: new RegistrationNoticeStore(db, options.tables.main),
    messages: new MessageStore(db, options.tables.main),
    directory: new DirectoryStore(db, options.tables.main),
    workflow: options.workflow ?? stepFunctions(),
    payments: new PaymentStore({ client: db, tableName: options.tables.main, nowMs: () => now().getTime() }),
    gateway: options.gateway,
    bankCallbackUrl: options.bankCallbackUrl,
    payeeHashSecret,
    accounts: accountVault(fieldKey, payeeHashSecret),
    smsContacts: new SmsDeliveryStore(db, options.tables.main, options.identityHashKey, sealsPhones),
    ledger: ledgerPort(writer, now),
    policy: new StoredPolicySource(db, options.tables.main),
    calendar: new StoredCalendars(db, options.tables.main),
    identity: identityPort(options.identityHashKey),
    audit: auditPort(new AuditStore({ client: db, tableName: options.tables.main })),
    log: logger.child({ component: "flow" }),
    now,
    stateMachines: options.stateMachines ?? {},
  };
}

/** What every service of a process shares: one DynamoDB client and one ledger writer. */
export interface ProcessAdapters {
  client: DynamoDBClient;
  /**
   * The group commit of a fund's entries: one per process, so the flows' draws and finance's
   * allocations and replenishments of a fund are batched together rather than racing for its head.
   */
  ledgerWriter: LedgerWriter;
}

let shared: { key: object; adapters: ProcessAdapters } | undefined;

/** The process's shared adapters, rebuilt when the configuration is (the local server, tests). */
export function processAdapters(): ProcessAdapters {
  const active = config();
  if (shared?.key === active) return shared.adapters;
  const client = newDynamoDbClient(dynamoEndpoint());
  const adapters = { client, ledgerWriter: new LedgerWriter({ client, tables: active.tables }) };
  shared = { key: active, adapters };
  return adapters;
}

let cached: { key: object; deps: FlowDeps } | undefined;

/**
 * The process's `FlowDeps`, from its configuration (functions/runtime/config.ts: read once, fail
 * fast); rebuilt when the configuration is (the local server, tests).
 */
export function flowDeps(): FlowDeps {
  const active = config();
  if (cached?.key === active) return cached.deps;
  const { client, ledgerWriter } = processAdapters();
  let gateways: ((countyId: string) => PaymentGateway) | undefined;
  const deps = createFlowDeps({
    client,
    ledgerWriter,
    tables: active.tables,
    identityHashKey: active.identityHashKey,
    payeeHashSecret: () => active.payeeHashSecret,
    accountKey: () => active.accountKey,
    bankCallbackUrl: () => active.bank.callbackUrl,
    // The bank configuration is read when a payment first needs it (HTTP-only functions never do).
    gateway: (countyId) => {
      gateways ??= gatewaysFrom(active.bank);
      return gateways(countyId);
    },
    stateMachines: active.stateMachines,
    ...(active.notificationsTopicArn ? { notificationsTopicArn: active.notificationsTopicArn } : {}),
  });
  cached = { key: active, deps };
  return deps;
}

/**
 * `deps` for one invocation (one HTTP request or one state-machine task): the same adapters, but the
 * case and the county's message settings are read once in it (CaseStore.forInvocation,
 * MessageStore.forInvocation). Built per invocation and dropped with it, so nothing read for one
 * request or tenant is seen by another.
 */
export function forInvocation(deps: FlowDeps): FlowDeps {
  return { ...deps, cases: deps.cases.forInvocation(), messages: deps.messages.forInvocation() };
}

export function resetFlowDeps(): void {
  cached = undefined;
  shared = undefined;
}

export { LedgerUnavailableError };
