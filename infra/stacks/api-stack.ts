import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
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
 * Whom the API's JWT authorizer trusts: a Cognito user pool of this stack (global regions, the
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
  /** The token issuer the API trusts; default a Cognito user pool built here. */
  identity?: ApiIdentity;
  /**
   * Where the consoles are served (`https://…`, no trailing slash): the app client's sign-in callback
   * is `<siteUrl>/auth/callback`, its sign-out target `<siteUrl>/`. Default the first allowed origin.
   */
  siteUrl?: string;
  /** Prefix of the hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); default from the stack name. */
  signInDomainPrefix?: string;
}

/** The consoles' route that completes a sign-in (web/src/api/auth.ts). */
export const SIGN_IN_CALLBACK_PATH = "/auth/callback";

/**
 * Token lifetimes of the consoles' app client: ID and access tokens expire within minutes and the
 * consoles renew them with the refresh token, which lasts a working day — not Cognito's 30 days —
 * because staff move money and read personal data.
 */
export const TOKEN_VALIDITY = {
  idToken: Duration.minutes(15),
  accessToken: Duration.minutes(15),
  refreshToken: Duration.hours(10),
} as const;

const DEFAULT_RATE_LIMIT = 200;

/**
 * The HTTP API (routes from the function catalog) behind a JWT authorizer: on a Cognito user pool
 * built here, or on a configured OIDC issuer (`identity`). Route handlers read the role from
 * `cognito:groups` and the scope from `custom:township` / `custom:county` of the ID token; public
 * routes (health, dev-free reads) carry `public: true` in the catalog.
 *
 * No AWS WAF web ACL fronts the API: WAF associates with REST APIs, not HTTP APIs, in every region;
 * the stage's throttling is the limit on everything.
 */
export class ApiStack extends Stack {
  /** Absent when the API trusts an external OIDC issuer. */
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;
  /** The issuer and audience the authorizer accepts (the consoles sign in there). */
  readonly issuer: string;
  readonly audience: readonly string[];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const identity = props.identity ?? { kind: "cognito" };
    let authorizer: apigw.IHttpRouteAuthorizer;
    if (identity.kind === "oidc") {
      this.issuer = identity.issuer;
      this.audience = identity.audience;
      authorizer = new HttpJwtAuthorizer("OidcAuthorizer", identity.issuer, {
        jwtAudience: [...identity.audience],
      });
    } else {
      const { pool, client } = this.buildCognito(props);
      this.userPool = pool;
      this.userPoolClient = client;
      this.issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${pool.userPoolId}`;
      this.audience = [client.userPoolClientId];
      authorizer = new HttpUserPoolAuthorizer("CognitoAuthorizer", pool, { userPoolClients: [client] });
      this.grantStaffAccounts(props, pool);
    }
    this.httpApi = this.buildApi(props, authorizer);
    new CfnOutput(this, "OidcIssuer", { value: this.issuer, description: "Issuer the API trusts" });
    new CfnOutput(this, "ConsoleSignIn", {
      value: Stack.of(this).toJsonString([
        {
          kind: "everyone",
          issuer: this.issuer,
          clientId: this.audience[0] ?? "",
          scope: identity.kind === "cognito" ? "openid profile phone" : "openid profile",
        },
      ]),
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

  private buildCognito(props: ApiStackProps): { pool: cognito.UserPool; client: cognito.UserPoolClient } {
    const pool = this.buildUserPool();
    const siteUrl = props.siteUrl ?? props.allowedOrigins[0];
    if (!siteUrl) throw new Error("api: the consoles' site URL is needed for the sign-in callback");
    // Cognito's hosted sign-in (managed login): the consoles redirect there with code + PKCE.
    const domain = pool.addDomain("SignInDomain", {
      cognitoDomain: {
        domainPrefix:
          props.signInDomainPrefix ?? `${this.stackName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-sign-in`,
      },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const client = pool.addClient("WebClient", {
      // Only the hosted sign-in: no password or SRP flows a script could use around it.
      authFlows: { userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.PHONE],
        callbackUrls: [`${siteUrl}${SIGN_IN_CALLBACK_PATH}`],
        logoutUrls: [`${siteUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      idTokenValidity: TOKEN_VALIDITY.idToken,
      accessTokenValidity: TOKEN_VALIDITY.accessToken,
      refreshTokenValidity: TOKEN_VALIDITY.refreshToken,
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      generateSecret: false,
      // Users may not change their own township/county: only administrators set the scope.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        phoneNumber: true,
        fullname: true,
      }),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ phoneNumber: true, fullname: true })
        .withCustomAttributes(SCOPE_ATTRIBUTES.township, SCOPE_ATTRIBUTES.county),
    });
    new cognito.CfnManagedLoginBranding(this, "SignInBranding", {
      userPoolId: pool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    new CfnOutput(this, "SignInDomain", {
      value: domain.baseUrl(),
      description: "Cognito hosted sign-in (managed login) of the consoles",
    });
    return { pool, client };
  }

  private buildUserPool(): cognito.UserPool {
    const pool = new cognito.UserPool(this, "UserPool", {
      // Users are created by administrators (with their group and scope); nobody registers themself.
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
      // Required of every account: Cognito ID tokens carry no `amr`, so the API can only know that a
      // staff member used a second factor because the pool asks everyone for one
      // (ENV.issuerEnforcesMfa). Applicants who cannot use an authenticator are filed for by their
      // township (代为申请); a province signs applicants in through its own IdP (context oidcIssuer).
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
    // Phone sign-in and verification make Cognito create an SMS role; SMS to a phone number has no ARN.
    const smsRole = pool.node.tryFindChild("smsRole");
    if (smsRole) {
      Validations.of(smsRole).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "Cognito sends verification SMS straight to phone numbers, which have no ARN to scope sns:Publish to.",
      });
    }
    for (const role of ROLES) {
      pool.addGroup(`${role}Group`, { groupName: role, description: groupDescription(role) });
    }
    return pool;
  }

  private buildApi(props: ApiStackProps, authorizer: apigw.IHttpRouteAuthorizer): apigw.HttpApi {
    const api = new apigw.HttpApi(this, "HttpApi", {
      apiName: "aidflow",
      defaultAuthorizer: authorizer,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowHeaders: ["authorization", "content-type", "idempotency-key", "x-correlation-id"],
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
