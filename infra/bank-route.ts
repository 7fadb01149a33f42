/**
 * A route to the bank (银企直连). Banks allow-list the source IPs of a direct connection and often
 * demand mutual TLS, so, by context:
 * - `bankRoute=true`: the functions that call the bank (catalog `config.bankEndpoints`) run in a VPC of
 *   their own, in private subnets whose traffic leaves through NAT gateways with Elastic IPs — the
 *   fixed addresses the county gives the bank (stack outputs). AWS services are reached through
 *   endpoints (a DynamoDB gateway endpoint, interface endpoints for what those functions read), so
 *   only bank traffic and X-Ray leave through NAT. Every other function stays outside.
 * - `bankClientTls=true`: a Secrets Manager secret for the client certificate, its key and the bank's
 *   CA (functions/runtime/bank-client-tls.ts), readable by those functions only.
 * Without either option nothing of this is in the template.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import type { FunctionNeeds } from "#functions/catalog.ts";
import { BANK_CLIENT_TLS } from "#functions/runtime/environment.ts";
import { retainedSecret } from "./secrets.ts";

export interface BankRouteOptions {
  /**
   * Existing Elastic IP allocations (`eipalloc-…`), one NAT gateway each: addresses the bank already
   * allow-lists survive a rebuilt stack. Without them two are allocated and kept on stack deletion.
   */
  eipAllocationIds?: readonly string[];
  /** The VPC's range; pick one that does not collide with the bank's side of a VPN, if there is one. */
  cidr?: string;
}

export interface BankNetworkProps extends BankRouteOptions {
  /** The bank's base URLs: their ports are the only ones opened outward besides 443. */
  bankEndpoints?: Readonly<Record<string, string>>;
  /** What the functions in the VPC need (their catalog entries' needs): the endpoints follow. */
  needs: readonly FunctionNeeds[];
}

const DEFAULT_CIDR = "10.80.0.0/22";
const DEFAULT_NAT_GATEWAYS = 2;
const HTTPS = 443;

/** The VPC, its fixed egress addresses and endpoints, and the security group of the bank functions. */
export class BankNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: BankNetworkProps) {
    super(scope, id);
    const allocations = this.egressAddresses(props.eipAllocationIds);
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? DEFAULT_CIDR),
      // One NAT gateway per zone: a zone's outage does not cut the payments off.
      maxAzs: allocations.length,
      natGateways: allocations.length,
      natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: allocations }),
      subnetConfiguration: [
        { name: "nat", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26 },
        { name: "bank", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 25 },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        ...(props.needs.some((n) => n.documents)
          ? { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } }
          : {}),
      },
    });
    this.vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, "FlowLogs", {
          retention: logs.RetentionDays.ONE_YEAR,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.securityGroup = new ec2.SecurityGroup(this, "BankFunctions", {
      vpc: this.vpc,
      description: "AidFlow functions that call the bank: HTTPS out to AWS endpoints and the bank only",
      allowAllOutbound: false,
    });
    for (const port of bankPorts(props.bankEndpoints)) {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `bank and AWS APIs (${port})`);
    }
    this.interfaceEndpoints(props.needs);
  }

  /** Lambda's VPC settings for a function that calls the bank. */
  functionProps(): { vpc: ec2.IVpc; vpcSubnets: ec2.SubnetSelection; securityGroups: ec2.ISecurityGroup[] } {
    return {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
    };
  }

  /**
   * The network interfaces Lambda creates in the private subnets, under the function's own role (the
   * content of the managed AWSLambdaVPCAccessExecutionRole, inline so the role stays reviewable).
   */
  grantNetworkInterfaces(role: iam.Role): void {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        resources: ["*"],
      }),
    );
    Validations.of(role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Lambda's VPC network interfaces: ec2:Describe* has no resource-level permissions and the interfaces are created by Lambda with ids unknown at deploy (AWSLambdaVPCAccessExecutionRole).",
    });
  }

  /** Allocated here (kept when the stack goes: the bank knows these addresses) or given. */
  private egressAddresses(given: readonly string[] | undefined): string[] {
    if (given && given.length > 0) {
      given.forEach((allocationId, index) => {
        new CfnOutput(this, `EgressAllocation${index + 1}`, {
          value: allocationId,
          description: "Elastic IP allocation of a NAT gateway: the bank allow-lists its address",
        });
      });
      return [...given];
    }
    return Array.from({ length: DEFAULT_NAT_GATEWAYS }, (_, index) => {
      const eip = new ec2.CfnEIP(this, `EgressIp${index + 1}`, {
        domain: "vpc",
        tags: [{ key: "Name", value: `${Stack.of(this).stackName} bank egress ${index + 1}` }],
      });
      eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
      new CfnOutput(this, `EgressIpAddress${index + 1}`, {
        value: eip.attrPublicIp,
        description: "Fixed source IP of the calls to the bank: give it to the bank to allow-list",
      });
      return eip.attrAllocationId;
    });
  }

  /** Interface endpoints for the services the bank functions read: their calls never leave the VPC. */
  private interfaceEndpoints(needs: readonly FunctionNeeds[]): void {
    const services: Array<[string, ec2.InterfaceVpcEndpointAwsService, boolean]> = [
      [
        "SecretsManager",
        ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
        needs.some((n) => n.secrets.length > 0 || n.bankEndpoints),
      ],
      ["Ssm", ec2.InterfaceVpcEndpointAwsService.SSM, needs.some((n) => n.bankCallbackUrl)],
      ["Kms", ec2.InterfaceVpcEndpointAwsService.KMS, needs.some((n) => n.accountKey)],
      // The payment steps answer their task tokens (SendTaskSuccess) from inside the VPC.
      ["StepFunctions", ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS, true],
      ["Sns", ec2.InterfaceVpcEndpointAwsService.SNS, needs.some((n) => n.notifications)],
    ];
    for (const [id, service, needed] of services) {
      if (!needed) continue;
      this.vpc.addInterfaceEndpoint(id, {
        service,
        privateDnsEnabled: true,
        // Only the bank functions, not the whole VPC range (the group below says who).
        open: false,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [this.endpointSecurityGroup()],
      });
    }
  }

  private endpointGroup: ec2.SecurityGroup | undefined;

  /** HTTPS in from the bank functions only. */
  private endpointSecurityGroup(): ec2.SecurityGroup {
    if (!this.endpointGroup) {
      this.endpointGroup = new ec2.SecurityGroup(this, "Endpoints", {
        vpc: this.vpc,
        description: "AidFlow interface endpoints: HTTPS from the bank functions",
        allowAllOutbound: false,
      });
      this.endpointGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(HTTPS), "bank functions");
    }
    return this.endpointGroup;
  }
}

/** 443 (AWS APIs, most banks) and every other port a bank endpoint names. */
export function bankPorts(endpoints: Readonly<Record<string, string>> | undefined): number[] {
  const ports = new Set([HTTPS]);
  for (const url of Object.values(endpoints ?? {})) {
    const parsed = new URL(url);
    ports.add(parsed.port ? Number(parsed.port) : parsed.protocol === "http:" ? 80 : HTTPS);
  }
  return [...ports].sort((a, b) => a - b);
}

/** `aidflow-bank-client-tls`, beside the other secrets' names. */
export function bankClientTlsSecretName(prefix: string): string {
  return `${prefix}bank-client-tls`;
}

/**
 * The mutual-TLS secret: created with a placeholder the functions refuse at cold start (naming the
 * variable), until the county puts the certificate the bank issued as a new version (docs/operations.md).
 */
export function bankClientTlsSecret(scope: Construct, prefix: string): secretsmanager.Secret {
  // The certificate outlives a stack: the bank issued it for this deployment's key.
  return retainedSecret(scope, "BankClientTlsSecret", {
    secretName: bankClientTlsSecretName(prefix),
    purpose: BANK_CLIENT_TLS.purpose,
    renewal:
      "The certificate is issued by the bank from our CSR: it is renewed with the bank before it expires and put as a new version, not generated on a schedule.",
  });
}
