import { Aws, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { physicalTableName, TABLES, type TableDefinition } from "../tables.ts";

export interface DataStackProps extends StackProps {
  /** Prefix of every physical table name (`<prefix>main`, `<prefix>ledger`). */
  prefix: string;
}

/**
 * Everything stateful: the tables of `infra/tables.ts`, the documents bucket and the notifications
 * topic. Retained on stack deletion — case files and the fund ledger outlive any deployment.
 */
export class DataStack extends Stack {
  readonly tables: Record<TableDefinition["id"], dynamodb.Table>;
  readonly documentsBucket: s3.Bucket;
  readonly notificationsTopic: sns.Topic;
  readonly notificationsKey: kms.Key;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.tables = Object.fromEntries(
      TABLES.map((definition) => [definition.id, this.table(props.prefix, definition)]),
    ) as Record<TableDefinition["id"], dynamodb.Table>;

    const accessLogs = new s3.Bucket(this, "AccessLogsBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This bucket is the server-access-log target; logging it into itself would loop.",
    });

    this.documentsBucket = new s3.Bucket(this, "DocumentsBucket", {
      bucketName: documentsBucketName(props.prefix),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "documents/",
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.notificationsKey = new kms.Key(this, "NotificationsKey", {
      description: "AidFlow notifications topic encryption",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.notificationsTopic = new sns.Topic(this, "NotificationsTopic", {
      topicName: notificationsTopicName(props.prefix),
      displayName: "AidFlow notifications",
      masterKey: this.notificationsKey,
      enforceSSL: true,
    });
  }

  private table(prefix: string, definition: TableDefinition): dynamodb.Table {
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, `${capitalize(definition.id)}Table`, {
      tableName: physicalTableName(prefix, definition.id),
      partitionKey: key(definition.keys.partitionKey),
      sortKey: key(definition.keys.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    });
    for (const index of definition.globalIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }
}

/**
 * Deterministic names let the functions stack grant these resources by ARN without importing them
 * (no cross-stack export to keep stable, and the grant reads the same in the template as in review).
 */
export function documentsBucketName(prefix: string): string {
  return `${prefix}documents-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export function notificationsTopicName(prefix: string): string {
  return `${prefix}notifications`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
