/**
 * The part of `oidc-provider` (shipped without types) the local provider uses. Loose where the
 * provider hands its own objects back (contexts, clients, grants).
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface GrantLike {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface ClientLike {
    clientId: string;
    grantTypeAllowed(grant: string): boolean;
  }

  export interface KoaContextWithOIDC {
    body: unknown;
    type: string;
    oidc: {
      client?: ClientLike;
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      requestParamScopes?: Set<string>;
      provider: Provider;
    };
  }

  export interface AccountLike {
    accountId: string;
    claims(use: string, scope: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  export interface Configuration {
    adapter?: unknown;
    clients?: Record<string, unknown>[];
    jwks?: { keys: Record<string, string>[] };
    cookies?: { keys?: string[] };
    scopes?: string[];
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: ClientLike) => boolean };
    /** Seconds, or seconds for one token/session/grant (its `accountId`). */
    ttl?: Record<string, number | ((ctx: KoaContextWithOIDC, token: { accountId?: string }) => number)>;
    features?: Record<string, Record<string, unknown>>;
    interactions?: { url(ctx: KoaContextWithOIDC, interaction: { uid: string }): string };
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: ClientLike) => boolean;
    loadExistingGrant?: (ctx: KoaContextWithOIDC) => Promise<GrantLike | undefined>;
    issueRefreshToken?: (ctx: KoaContextWithOIDC, client: ClientLike, code: unknown) => Promise<boolean>;
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<AccountLike | undefined>;
    renderError?: (ctx: KoaContextWithOIDC, out: Record<string, unknown>, error: unknown) => Promise<void>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string };
    params: Record<string, unknown>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    Grant: {
      new (fields: { clientId: string; accountId: string }): GrantLike;
      find(id: string): Promise<GrantLike | undefined>;
    };
    callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
