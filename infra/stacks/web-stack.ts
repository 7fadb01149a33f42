import { existsSync } from "node:fs";
import { DefaultStackSynthesizer, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import type { Construct } from "constructs";
import { acknowledgeWildcardResource } from "../nag.ts";

export interface WebStackProps extends StackProps {
  /** The built consoles (`web/dist`); uploaded only when the folder exists at synth time. */
  webDistPath: string;
  /** ARN of a WAFv2 web ACL in us-east-1 (CloudFront scope), if the county has one. */
  webAclArn?: string;
}

/**
 * The three consoles (ARCHITECTURE §3.10) on S3 behind CloudFront with Origin Access Control: the
 * bucket stays private and only this distribution may read it.
 */
export class WebStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly siteBucket: s3.Bucket;
  /** Whether `web/dist` existed at synth time and is deployed with this stack. */
  readonly deploysContent: boolean;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
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
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
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
    });
    Validations.of(this.distribution).acknowledge({
      id: "AwsSolutions-CFR1",
      reason:
        "Applicants, officers and migrants (DOMAIN §2.1) file from anywhere; sign-in, not geography, controls access.",
    });
    Validations.of(this.distribution).acknowledge({
      id: "AwsSolutions-CFR4",
      reason:
        "Without a county domain the default *.cloudfront.net certificate is used, whose policy CloudFront fixes at TLSv1; viewers are still redirected to HTTPS.",
    });
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR2",
        reason:
          "A CloudFront web ACL lives in us-east-1 and belongs to the county's account; pass it with -c webAclArn=….",
      });
    }

    this.deploysContent = existsSync(props.webDistPath);
    if (this.deploysContent) this.deployContent(props.webDistPath);
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
