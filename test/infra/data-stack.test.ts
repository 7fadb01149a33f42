import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { physicalTableName, TABLES } from "#infra/tables.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

describe("data stack", () => {
  let template: Template;

  beforeAll(() => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    template = Template.fromStack(stacks.data);
  });

  it.each(TABLES.map((table) => [table.id, table] as const))(
    "the %s table is on demand, recoverable to a point in time, encrypted and protected from deletion",
    (_id, table) => {
      // Assess
      template.hasResource("AWS::DynamoDB::Table", {
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
        Properties: Match.objectLike({
          TableName: physicalTableName(PREFIX, table.id),
          BillingMode: "PAY_PER_REQUEST",
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: Match.objectLike({ SSEEnabled: true }),
          DeletionProtectionEnabled: true,
          KeySchema: [
            { AttributeName: table.keys.partitionKey, KeyType: "HASH" },
            { AttributeName: table.keys.sortKey, KeyType: "RANGE" },
          ],
        }),
      });
    },
  );

  it.each(TABLES.map((table) => [table.id, table] as const))(
    "the %s table has exactly the global indexes and TTL of infra/tables.ts",
    (_id, table) => {
      // Assess
      const [resource] = Object.values(
        template.findResources("AWS::DynamoDB::Table", {
          Properties: { TableName: physicalTableName(PREFIX, table.id) },
        }),
      );
      const properties = resource?.Properties as Record<string, unknown>;
      const indexes = (properties.GlobalSecondaryIndexes ?? []) as Array<Record<string, unknown>>;
      expect(indexes.map((index) => index.IndexName)).toEqual(table.globalIndexes.map((index) => index.name));
      for (const index of table.globalIndexes) {
        expect(indexes.find((candidate) => candidate.IndexName === index.name)?.KeySchema).toEqual([
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ]);
      }
      expect(properties.TimeToLiveSpecification).toEqual(
        table.timeToLiveAttribute ? { AttributeName: table.timeToLiveAttribute, Enabled: true } : undefined,
      );
    },
  );

  it("the documents bucket is encrypted, private and reachable over TLS only", () => {
    // Assess
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketName: Match.objectLike({ "Fn::Join": Match.anyValue() }),
      BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      }),
    });
  });

  it("the notifications topic is encrypted with a rotating key", () => {
    // Assess
    template.hasResourceProperties("AWS::SNS::Topic", {
      TopicName: `${PREFIX}notifications`,
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });
});
