import { Aws, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { SECRET_NAMES, SECRETS, type SecretName } from "#functions/runtime/environment.ts";
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
  /** One Secrets Manager secret per purpose (functions/runtime/environment.ts SECRETS). */
  readonly secrets: Record<SecretName, secretsmanager.Secret>;

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

    this.secrets = Object.fromEntries(
      SECRET_NAMES.map((name) => [name, this.secret(props.prefix, name)]),
    ) as Record<SecretName, secretsmanager.Secret>;
  }

  /**
   * Generated at deploy, so no value is ever in the template or the repository. The bank secrets are
   * replaced by the values agreed with the bank as a new version (README, deploy); a new version is a
   * rotation the functions pick up at their next cold start.
   */
  private secret(prefix: string, name: SecretName): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, `${capitalize(name)}Secret`, {
      secretName: secretName(prefix, name),
      description: `AidFlow: ${SECRETS[name].purpose}`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // A lost identity key makes every stored identity hash unmatchable: keep it whatever happens.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        name === "identityHashKey" || name === "payeeHashSecret"
          ? "A keyed-hash key cannot rotate on a schedule: every stored hash would stop matching; a new key is a planned re-keying."
          : "Shared with the bank: a new value is agreed with the bank and put as a new version, not generated on a schedule.",
    });
    return secret;
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

/** `aidflow-identity-hash-key`: readable in the console, one per purpose. */
export function secretName(prefix: string, name: SecretName): string {
  return `${prefix}${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export function notificationsTopicName(prefix: string): string {
  return `${prefix}notifications`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
