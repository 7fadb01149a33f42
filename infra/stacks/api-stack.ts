import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import {
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as ssm from "aws-cdk-lib/aws-ssm";
import type { Construct } from "constructs";
import { type FunctionDefinition, needsOf } from "#functions/catalog.ts";
import { groupDescription, ROLES, SCOPE_ATTRIBUTES } from "../identity.ts";

/**
 * Whom the API trusts: the staff and applicant Cognito user pools of this stack (global regions, the
 * default), or a configured OpenID Connect issuer — the province's unified identity platform or a
 * self-hosted IdP — where Cognito user pools are not offered (China) or not wanted.
 */
export type ApiIdentity =
  | { kind: "cognito" }
  | {
      kind: "oidc";
      /** The issuer URL, exactly as the tokens' `iss` claim spells it (https). */
      issuer: string;
      /** Accepted `aud` (or `client_id`) values: the consoles' client id at that issuer. */
      audience: readonly string[];
      /** The IdP requires a second factor of every account (else staff tokens must carry `amr` mfa). */
      enforcesMfa?: boolean;
    };

export interface ApiStackProps extends StackProps {
  /** Catalog entries: their `routes` become HTTP API routes. */
  functions: readonly FunctionDefinition[];
  /** Built functions by catalog id. */
  builtFunctions: ReadonlyMap<string, IFunction>;
  /** Origins allowed by CORS (the web console's CloudFront URL). */
  allowedOrigins: readonly string[];
  /** Sustained requests per second across the API (a limit on everything: STYLE). */
  throttleRateLimit?: number;
  /** SSM parameter the user pool's id is written to, for the functions that create staff accounts. */
  userPoolIdParameterName?: string;
  /** SSM parameter the bank callback URL is written to, for the payment functions to read. */
  bankCallbackUrlParameterName?: string;
  /** The callback URL the bank is given, when the API has its own domain; default the API's URL. */
  bankCallbackUrl?: string;
  /** The token issuer the API trusts; default the staff and applicant Cognito user pools built here. */
  identity?: ApiIdentity;
  /**
   * Where the consoles are served (`https://…`, no trailing slash): the app client's sign-in callback
   * is `<siteUrl>/auth/callback`, its sign-out target `<siteUrl>/`. Default the first allowed origin.
   */
  siteUrl?: string;
  /** Prefix of the staff's hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); default from the stack name. */
  signInDomainPrefix?: string;
  /** Prefix of the applicants' hosted sign-in domain; default from the stack name. */
  applicantSignInDomainPrefix?: string;
  /**
   * SSM parameter the staff and applicant pools (and their clients) are written to, for the
   * Lambda authorizer (catalog `config.signInPools`) to read.
   */
  signInPoolsParameterName?: string;
}

/** The consoles' route that completes a sign-in (web/src/api/auth.ts). */
export const SIGN_IN_CALLBACK_PATH = "/auth/callback";

/**
 * Token lifetimes of the staff app client: ID and access tokens expire within minutes and the
 * consoles renew them with the refresh token, which lasts a working day — not Cognito's 30 days —
 * because staff move money and read personal data.
 */
export const TOKEN_VALIDITY = {
  idToken: Duration.minutes(15),
  accessToken: Duration.minutes(15),
  refreshToken: Duration.hours(10),
} as const;

/**
 * Token lifetimes of the applicant app client: tokens as short as staff's, a sign-in that lasts a
 * week, so a person following their application on a phone is not asked for the password every day.
 */
export const APPLICANT_TOKEN_VALIDITY = {
  idToken: Duration.minutes(15),
  accessToken: Duration.minutes(15),
  refreshToken: Duration.days(7),
} as const;

/**
 * How long API Gateway reuses the Lambda authorizer's answer for one Authorization header: short
 * against the 15-minute ID token, so a token is not taken much past its expiry.
 */
export const AUTHORIZER_CACHE_TTL = Duration.minutes(1);

const DEFAULT_RATE_LIMIT = 200;

/** Who signs in at a pool: the kinds the consoles' sign-in page offers (web/src/api/auth.ts). */
type PoolKind = "staff" | "applicant";

interface SignInPool {
  kind: PoolKind;
  pool: cognito.UserPool;
  client: cognito.UserPoolClient;
  issuer: string;
}

/**
 * The HTTP API (routes from the function catalog) behind an authorizer, and whom it trusts:
 * - by default two Cognito user pools built here — **staff** (accounts created by administrators,
 *   TOTP required of every account) and **applicants** (self sign-up with a phone number, no second
 *   factor) — verified by the catalog's Lambda authorizer (functions/handlers/authorizer.ts), since
 *   an HTTP API JWT authorizer takes one issuer; a token of the applicant pool is an applicant only;
 * - or a configured OIDC issuer (`identity`), behind the HTTP API JWT authorizer, and no Cognito.
 * Route handlers read the role from `cognito:groups` and the scope from `custom:township` /
 * `custom:county` of the ID token; public routes (health, dev-free reads) carry `public: true` in
 * the catalog.
 *
 * No AWS WAF web ACL fronts the API: WAF associates with REST APIs, not HTTP APIs, in every region;
 * the stage's throttling is the limit on everything.
 */
export class ApiStack extends Stack {
  /** The staff pool; absent when the API trusts an external OIDC issuer. */
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  /** The applicants' pool; absent when the API trusts an external OIDC issuer. */
  readonly applicantPool?: cognito.UserPool;
  readonly applicantPoolClient?: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;
  /** The issuers and audiences the authorizer accepts (the consoles sign in there). */
  readonly issuers: readonly string[];
  readonly audience: readonly string[];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const identity = props.identity ?? { kind: "cognito" };
    let authorizer: apigw.IHttpRouteAuthorizer | undefined;
    let signIns: Array<{ kind: PoolKind | "everyone"; issuer: string; clientId: string; scope: string }>;
    if (identity.kind === "oidc") {
      this.issuers = [identity.issuer];
      this.audience = identity.audience;
      authorizer = new HttpJwtAuthorizer("OidcAuthorizer", identity.issuer, {
        jwtAudience: [...identity.audience],
      });
      signIns = [
        {
          kind: "everyone",
          issuer: identity.issuer,
          clientId: identity.audience[0] ?? "",
          scope: "openid profile",
        },
      ];
    } else {
      const siteUrl = props.siteUrl ?? props.allowedOrigins[0];
      if (!siteUrl) throw new Error("api: the consoles' site URL is needed for the sign-in callback");
      const staff = this.buildStaffSignIn(props, siteUrl);
      const applicants = this.buildApplicantSignIn(props, siteUrl);
      this.userPool = staff.pool;
      this.userPoolClient = staff.client;
      this.applicantPool = applicants.pool;
      this.applicantPoolClient = applicants.client;
      this.issuers = [staff.issuer, applicants.issuer];
      this.audience = [staff.client.userPoolClientId, applicants.client.userPoolClientId];
      this.writeSignInPools(props, staff, applicants);
      authorizer = this.lambdaAuthorizer(props);
      signIns = [staff, applicants].map(({ kind, issuer, client }) => ({
        kind,
        issuer,
        clientId: client.userPoolClientId,
        scope: "openid profile phone",
      }));
      this.grantStaffAccounts(props, staff.pool);
    }
    this.httpApi = this.buildApi(props, authorizer);
    new CfnOutput(this, "OidcIssuer", {
      value: this.issuers.join(","),
      description: "Issuer(s) the API trusts",
    });
    new CfnOutput(this, "ConsoleSignIn", {
      value: Stack.of(this).toJsonString(signIns),
      description: "VITE_AIDFLOW_SIGN_IN of the consoles' build (web/src/api/auth.ts)",
    });
    new CfnOutput(this, "OidcAudience", {
      value: this.audience.join(","),
      description: "Client id(s) the API accepts in a token's aud / client_id",
    });
    if (props.bankCallbackUrlParameterName) {
      // A parameter, not an environment variable: the functions stack cannot depend on this one.
      new ssm.StringParameter(this, "BankCallbackUrl", {
        parameterName: props.bankCallbackUrlParameterName,
        description: "AidFlow: the URL the bank posts payment outcomes to",
        stringValue: props.bankCallbackUrl ?? `${this.httpApi.apiEndpoint}/bank/callback`,
      });
    }
  }

  /**
   * The functions that create staff accounts (catalog `config.userPool`): the pool's id in the
   * parameter they read, and exactly the calls of functions/adapters/identity/cognito-accounts.ts on
   * this pool — create (and find again on a retry), add to the role's group, disable; never delete.
   */
  private grantStaffAccounts(props: ApiStackProps, pool: cognito.UserPool): void {
    const administering = props.functions.filter((definition) => needsOf(definition).userPool);
    if (administering.length === 0) return;
    if (!props.userPoolIdParameterName)
      throw new Error("api: functions create staff accounts but no user pool id parameter is named");
    new ssm.StringParameter(this, "UserPoolId", {
      parameterName: props.userPoolIdParameterName,
      description: "AidFlow: the Cognito user pool staff accounts are created in",
      stringValue: pool.userPoolId,
    });
    for (const definition of administering) {
      const role = props.builtFunctions.get(definition.id)?.role;
      if (!role) throw new Error(`api: no built function (with a role) for catalog id ${definition.id}`);
      new iam.Policy(this, `${definition.id}StaffAccounts`, {
        roles: [role],
        statements: [
          new iam.PolicyStatement({
            actions: [
              "cognito-idp:AdminCreateUser",
              "cognito-idp:AdminGetUser",
              "cognito-idp:AdminAddUserToGroup",
              "cognito-idp:AdminDisableUser",
              "cognito-idp:AdminUserGlobalSignOut",
            ],
            resources: [pool.userPoolArn],
          }),
        ],
      });
    }
  }

  /**
   * The pools and clients the Lambda authorizer trusts, in the parameter it reads at cold start (the
   * functions stack is built before this one, so their ids cannot be its environment).
   */
  private writeSignInPools(props: ApiStackProps, staff: SignInPool, applicants: SignInPool): void {
    if (!props.signInPoolsParameterName) return;
    const pool = ({ pool, client }: SignInPool) => ({
      userPoolId: pool.userPoolId,
      clientId: client.userPoolClientId,
    });
    new ssm.StringParameter(this, "SignInPools", {
      parameterName: props.signInPoolsParameterName,
      description: "AidFlow: the staff and applicant user pools (and clients) the API's authorizer trusts",
      stringValue: Stack.of(this).toJsonString({ staff: pool(staff), applicant: pool(applicants) }),
    });
  }

  /**
   * The catalog's authorizer function (the entry that reads the sign-in pools) as the routes'
   * authorizer: simple responses, its context the verified claims, cached per Authorization header.
   * Undefined while the catalog has no route that needs one.
   */
  private lambdaAuthorizer(props: ApiStackProps): apigw.IHttpRouteAuthorizer | undefined {
    const guarded = props.functions.some((definition) => (definition.routes ?? []).some((r) => !r.public));
    if (!guarded) return undefined;
    const definition = props.functions.find((candidate) => needsOf(candidate).signInPools);
    if (!definition)
      throw new Error(
        "api: the catalog has signed-in routes but no authorizer (an entry with config.signInPools)",
      );
    const fn = props.builtFunctions.get(definition.id);
    if (!fn) throw new Error(`api: no built function for catalog id ${definition.id}`);
    return new HttpLambdaAuthorizer("CognitoPoolsAuthorizer", fn, {
      authorizerName: "cognito-staff-and-applicant-pools",
      identitySource: ["$request.header.Authorization"],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
  }

  /**
   * The staff pool and its client. Users are created by administrators with their group and scope
   * (self sign-up off); every account must use TOTP: Cognito ID tokens carry no `amr`, so the API can
   * only know that a staff member used a second factor because the pool asks everyone in it for one
   * (ENV.issuerEnforcesMfa). Applicants are not in this pool.
   */
  private buildStaffSignIn(props: ApiStackProps, siteUrl: string): SignInPool {
    const pool = new cognito.UserPool(this, "UserPool", {
      selfSignUpEnabled: false,
      signInAliases: { phone: true, username: true },
      autoVerify: { phone: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: {
        [SCOPE_ATTRIBUTES.township]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        [SCOPE_ATTRIBUTES.county]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeSmsRole(pool);
    // One group per staff role; applicants sign in at their own pool and are given no group.
    for (const role of ROLES.filter((candidate) => candidate !== "applicant")) {
      pool.addGroup(`${role}Group`, { groupName: role, description: groupDescription(role) });
    }
    return this.signInFor("staff", pool, {
      siteUrl,
      domainId: "SignInDomain",
      domainPrefix: props.signInDomainPrefix ?? `${this.domainBase()}-sign-in`,
      clientId: "WebClient",
      brandingId: "SignInBranding",
      validity: TOKEN_VALIDITY,
      // Users may not change their own township/county: only administrators set the scope.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ phoneNumber: true, fullname: true })
        .withCustomAttributes(SCOPE_ATTRIBUTES.township, SCOPE_ATTRIBUTES.county),
    });
  }

  /**
   * The applicants' pool and its client. Applicants sign themselves up with their phone number
   * (verified by SMS) and name: they have no county or role to be given — they are applicants by being
   * in this pool, whose tokens the authorizer turns into an applicant and nothing else, whatever they
   * carry — and a person who has just lost their home cannot wait for an administrator. No second
   * factor: no token of this pool can act as staff, and an applicant may have no authenticator app.
   */
  private buildApplicantSignIn(props: ApiStackProps, siteUrl: string): SignInPool {
    const pool = new cognito.UserPool(this, "ApplicantPool", {
      selfSignUpEnabled: true,
      signInAliases: { phone: true },
      autoVerify: { phone: true },
      userVerification: { smsMessage: "临时救助申请账号验证码：{####}" },
      standardAttributes: {
        phoneNumber: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      passwordPolicy: {
        minLength: 10,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.OFF,
      accountRecovery: cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge({
      id: "AwsSolutions-COG2",
      reason:
        "Applicants only: every token of this pool is an applicant and nothing else (functions/handlers/authorizer.ts), who acts on their own cases; people in sudden hardship may have no authenticator. Staff sign in at the staff pool, MFA required.",
    });
    acknowledgeSmsRole(pool);
    return this.signInFor("applicant", pool, {
      siteUrl,
      domainId: "ApplicantSignInDomain",
      domainPrefix: props.applicantSignInDomainPrefix ?? `${this.domainBase()}-apply`,
      clientId: "ApplicantWebClient",
      brandingId: "ApplicantSignInBranding",
      validity: APPLICANT_TOKEN_VALIDITY,
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({
        phoneNumber: true,
        fullname: true,
      }),
    });
  }

  private domainBase(): string {
    return this.stackName.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  }

  /**
   * Cognito's hosted sign-in (managed login) of a pool and the consoles' app client: authorization code
   * with PKCE only (no password or SRP flow a script could use around it), back on the site's
   * `/auth/callback`.
   */
  private signInFor(
    kind: PoolKind,
    pool: cognito.UserPool,
    options: {
      siteUrl: string;
      domainId: string;
      domainPrefix: string;
      clientId: string;
      brandingId: string;
      validity: { idToken: Duration; accessToken: Duration; refreshToken: Duration };
      readAttributes: cognito.ClientAttributes;
    },
  ): SignInPool {
    const domain = pool.addDomain(options.domainId, {
      cognitoDomain: { domainPrefix: options.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const client = pool.addClient(options.clientId, {
      authFlows: { userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.PHONE],
        callbackUrls: [`${options.siteUrl}${SIGN_IN_CALLBACK_PATH}`],
        logoutUrls: [`${options.siteUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      idTokenValidity: options.validity.idToken,
      accessTokenValidity: options.validity.accessToken,
      refreshTokenValidity: options.validity.refreshToken,
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      generateSecret: false,
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        phoneNumber: true,
        fullname: true,
      }),
      readAttributes: options.readAttributes,
    });
    new cognito.CfnManagedLoginBranding(this, options.brandingId, {
      userPoolId: pool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    new CfnOutput(this, options.domainId, {
      value: domain.baseUrl(),
      description: `Cognito hosted sign-in (managed login) of the ${kind === "staff" ? "staff" : "applicants'"} console`,
    });
    const issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${pool.userPoolId}`;
    return { kind, pool, client, issuer };
  }

  private buildApi(props: ApiStackProps, authorizer: apigw.IHttpRouteAuthorizer | undefined): apigw.HttpApi {
    const api = new apigw.HttpApi(this, "HttpApi", {
      apiName: "aidflow",
      ...(authorizer ? { defaultAuthorizer: authorizer } : {}),
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowHeaders: ["authorization", "content-type", "idempotency-key", "x-correlation-id"],
        // The business time of every answer (functions/http/handler.ts): the consoles judge deadlines by it.
        exposeHeaders: ["x-business-time"],
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.DELETE,
        ],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const rateLimit = props.throttleRateLimit ?? DEFAULT_RATE_LIMIT;
    new apigw.HttpStage(this, "DefaultStage", {
      httpApi: api,
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit, burstLimit: rateLimit * 2 },
    });

    for (const definition of props.functions) {
      const routes = definition.routes ?? [];
      if (routes.length === 0) continue;
      const fn = props.builtFunctions.get(definition.id);
      if (!fn) throw new Error(`api: no built function for catalog id ${definition.id}`);
      const integration = new HttpLambdaIntegration(`${definition.id}Integration`, fn);
      for (const route of routes) {
        const [built] = api.addRoutes({
          path: route.path,
          methods: [apigw.HttpMethod[route.method]],
          integration,
          ...(route.public ? { authorizer: new apigw.HttpNoneAuthorizer() } : {}),
        });
        if (route.public && built) {
          for (const rule of ["AwsSolutions-APIG4", "AwsSolutions-COG4"]) {
            Validations.of(built).acknowledge({
              id: rule,
              reason: `Public by the function catalog (${definition.id}: ${definition.description}); it reads no personal data.`,
            });
          }
        }
      }
    }
    return api;
  }
}

/** Phone sign-in and verification make Cognito create an SMS role; SMS to a phone number has no ARN. */
function acknowledgeSmsRole(pool: cognito.UserPool): void {
  const smsRole = pool.node.tryFindChild("smsRole");
  if (!smsRole) return;
  Validations.of(smsRole).acknowledge({
    id: "AwsSolutions-IAM5[Resource::*]",
    reason:
      "Cognito sends verification SMS straight to phone numbers, which have no ARN to scope sns:Publish to.",
  });
}
