import { existsSync } from "node:fs";
import {
  CfnOutput,
  DefaultStackSynthesizer,
  RemovalPolicy,
  Stack,
  type StackProps,
  Tokenization,
  Validations,
} from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import type { Construct } from "constructs";
import { acknowledgeWildcardResource } from "../nag.ts";
import type { RegionTraits } from "../regions.ts";

/** The consoles' own domain name and the IAM server certificate CloudFront serves it with. */
export interface WebDomain {
  /** e.g. `aidflow.example.gov.cn`; in China the domain must carry an ICP filing (ICP 备案). */
  domainName: string;
  /**
   * The IAM server certificate's id (`ServerCertificateId`, `ASCA…`), uploaded under the path
   * `/cloudfront/`: CloudFront in China takes no ACM certificate, and IAM works in every partition.
   */
  iamCertificateId: string;
}

export interface WebStackProps extends StackProps {
  /** The built consoles (`web/dist`); uploaded only when the folder exists at synth time. */
  webDistPath: string;
  /** ARN of a WAFv2 web ACL in us-east-1 (CloudFront scope), if the county has one. */
  webAclArn?: string;
  /** Serve on this domain instead of CloudFront's own (required in China). */
  domain?: WebDomain;
  /** What the region offers: Origin Access Control or Identity, CloudFront web ACLs. */
  traits: RegionTraits;
}

/** CloudFront's newest policy that IAM-certificate (SNI) viewers of every partition accept. */
const VIEWER_TLS_POLICY = cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021;

/**
 * The three consoles (ARCHITECTURE §3.10) on S3 behind CloudFront: the bucket stays private and only
 * this distribution may read it — through Origin Access Control, or an Origin Access Identity where
 * OAC is not offered (China).
 */
export class WebStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly siteBucket: s3.Bucket;
  /** Whether `web/dist` existed at synth time and is deployed with this stack. */
  readonly deploysContent: boolean;
  /** Where people open the consoles: the custom domain if any, else CloudFront's. */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { traits, domain } = props;
    const logs = new s3.Bucket(this, "LogsBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This bucket is the access-log target of the site bucket and the distribution; logging it into itself would loop.",
    });

    this.siteBucket = new s3.Bucket(this, "SiteBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: "site/",
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "AidFlow consoles",
      defaultRootObject: "index.html",
      defaultBehavior: {
        origin: traits.originAccessControl
          ? S3BucketOrigin.withOriginAccessControl(this.siteBucket)
          : S3BucketOrigin.withOriginAccessIdentity(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      // A single-page app: unknown paths are client-side routes.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: "/index.html",
      })),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: "cloudfront/",
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(domain ? { domainNames: [domain.domainName] } : {}),
    });
    if (domain) this.useIamCertificate(domain);
    this.siteUrl = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;
    new CfnOutput(this, "SiteUrl", { value: this.siteUrl, description: "The consoles" });
    new CfnOutput(this, "DistributionDomainName", {
      value: this.distribution.distributionDomainName,
      description: "CNAME target of the consoles' domain",
    });
    if (!traits.originAccessControl) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR7",
        reason:
          "Origin Access Control is not offered in the China partition; an Origin Access Identity keeps the site bucket private to this distribution instead.",
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: "AwsSolutions-CFR1",
      reason:
        "Applicants, officers and migrants (DOMAIN §2.1) file from anywhere; sign-in, not geography, controls access.",
    });
    if (!domain) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR4",
        reason:
          "Without a county domain the default *.cloudfront.net certificate is used, whose policy CloudFront fixes at TLSv1; viewers are still redirected to HTTPS.",
      });
    }
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR2",
        reason: traits.cloudFrontWebAcl
          ? "A CloudFront web ACL lives in us-east-1 and belongs to the county's account; pass it with -c webAclArn=…."
          : "AWS WAF is offered at the regional level only in the China regions: no web ACL can be associated with a CloudFront distribution there.",
      });
    }

    this.deploysContent = existsSync(props.webDistPath);
    if (this.deploysContent) this.deployContent(props.webDistPath);
  }

  /**
   * The L2 construct takes ACM certificates only, which CloudFront in China does not; CloudFront takes
   * an IAM server certificate by id. Set on the L1 properties (not as an override) so that cdk-nag
   * checks the policy actually deployed.
   */
  private useIamCertificate(domain: WebDomain): void {
    const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
    const config = cfn.distributionConfig;
    if (Tokenization.isResolvable(config)) throw new Error("web: the distribution's config is not an object");
    cfn.distributionConfig = {
      ...config,
      viewerCertificate: {
        iamCertificateId: domain.iamCertificateId,
        sslSupportMethod: cloudfront.SSLMethod.SNI,
        minimumProtocolVersion: VIEWER_TLS_POLICY,
      },
    };
  }

  private deployContent(webDistPath: string): void {
    new s3deploy.BucketDeployment(this, "DeploySite", {
      sources: [s3deploy.Source.asset(webDistPath)],
      destinationBucket: this.siteBucket,
      distribution: this.distribution,
      distributionPaths: ["/*"],
    });
    // The copy runs in CDK's own singleton provider Lambda, created at stack level; its runtime, managed
    // policy and s3:*-style grants are CDK's. Each finding is acknowledged there, one by one.
    const provider = this.node.children.find((child) =>
      child.node.id.startsWith("Custom::CDKBucketDeployment"),
    );
    if (!provider)
      throw new Error("web: BucketDeployment provider not found; cdk-nag acknowledgements would miss it");
    const reason = "CDK's BucketDeployment provider copies web/dist into the site bucket once per deploy.";
    for (const id of [
      "AwsSolutions-L1",
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "AwsSolutions-IAM5[Action::s3:GetObject*]",
      "AwsSolutions-IAM5[Action::s3:GetBucket*]",
      "AwsSolutions-IAM5[Action::s3:List*]",
      "AwsSolutions-IAM5[Action::s3:DeleteObject*]",
      "AwsSolutions-IAM5[Action::s3:Abort*]",
    ]) {
      Validations.of(provider).acknowledge({ id, reason });
    }
    Validations.of(provider).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: `${reason} CDK grants its cloudfront:CreateInvalidation/GetInvalidation on * to invalidate after the copy.`,
    });
    const qualifier = this.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const assetObjects = `arn:${this.partition}:s3:::cdk-${qualifier}-assets-${this.account}-${this.region}/*`;
    acknowledgeWildcardResource(
      provider,
      assetObjects,
      `${reason} It reads the uploaded asset from the bootstrap bucket.`,
    );
    acknowledgeWildcardResource(
      provider,
      this.siteBucket.arnForObjects("*"),
      `${reason} It replaces the site's objects.`,
    );
  }
}
