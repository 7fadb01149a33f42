/**
 * What a target region offers AidFlow, decided from the region's name at synth. The China partition
 * (`aws-cn`: cn-north-1 Beijing, cn-northwest-1 Ningxia) lacks services the global regions have; each
 * difference the app depends on is one field here, with where AWS documents it
 * (docs.amazonaws.cn/en_us/aws/latest/userguide/<service>.html, "Feature Availability").
 */

export type Partition = "aws" | "aws-cn";

export interface RegionTraits {
  region: string;
  partition: Partition;
  /** A China region: an ICP-filed domain, an OIDC issuer other than Cognito, no CloudFront WAF. */
  china: boolean;
  /** Cognito user pools (China: not offered; API Gateway there has no Cognito authorizer either). */
  cognitoUserPools: boolean;
  /** CloudFront Origin Access Control (China: `AWS::CloudFront::OriginAccessControl` is not a known type). */
  originAccessControl: boolean;
  /** CloudFront may serve on its own domain (China: only an ICP-filed alternate domain serves content). */
  cloudFrontDefaultDomain: boolean;
  /** WAF web ACLs of CloudFront scope (China: AWS WAF is offered at the regional level only). */
  cloudFrontWebAcl: boolean;
  /** Lambda's X-Ray active tracing (China: the X-Ray integration with Lambda is not offered). */
  lambdaXRay: boolean;
}

const CHINA_REGION = /^cn-/;

/** Traits of a named region; a region the app cannot name at synth is treated as a global one. */
export function regionTraits(region: string | undefined): RegionTraits {
  const china = region !== undefined && CHINA_REGION.test(region);
  return {
    region: region ?? "",
    partition: china ? "aws-cn" : "aws",
    china,
    cognitoUserPools: !china,
    originAccessControl: !china,
    cloudFrontDefaultDomain: !china,
    cloudFrontWebAcl: !china,
    lambdaXRay: !china,
  };
}
