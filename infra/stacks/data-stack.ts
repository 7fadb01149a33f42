import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as backup from "aws-cdk-lib/aws-backup";
import * as cloudtrail from "aws-cdk-lib/aws-cloudtrail";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { EXPORTS_KEY_PREFIX } from "#adapters/document-store.ts";
import { SECRET_NAMES, SECRETS, type SecretName } from "#functions/runtime/environment.ts";
import { retainedSecret } from "../secrets.ts";
import { MESSAGE_STREAM_VIEW } from "../sms-dispatch.ts";
import { physicalTableName, TABLES, type TableDefinition } from "../tables.ts";

export interface DataStackProps extends StackProps {
  /** Prefix of every physical table name (`<prefix>main`, `<prefix>ledger`). */
  prefix: string;
  /** The consoles' origins: browsers upload documents to the bucket by presigned URL from there. */
  consoleOrigins?: readonly string[];
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
  /** Wraps the data keys of sealed bank accounts (functions/runtime/field-encryption.ts). */
  readonly accountKey: kms.Key;
  /** Every write to the tables and every object access of the documents bucket, kept apart. */
  readonly dataEventsTrail: cloudtrail.Trail;
  readonly backupPlan: backup.BackupPlan;
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
      ...(props.consoleOrigins && props.consoleOrigins.length > 0
        ? {
            cors: [
              {
                allowedOrigins: [...props.consoleOrigins],
                allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
                allowedHeaders: ["content-type", "content-md5", "x-amz-*"],
                exposedHeaders: ["etag"],
                maxAge: 3600,
              },
            ],
          }
        : {}),
      // Finance exports are handed out by a short-lived link; the file itself need not outlive the day.
      lifecycleRules: [
        {
          id: "exports-expire",
          prefix: EXPORTS_PREFIX,
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(EXPORT_RETENTION_DAYS),
        },
      ],
    });

    this.accountKey = new kms.Key(this, "AccountKey", {
      alias: `${props.prefix}bank-accounts`,
      description: "AidFlow: wraps the data keys of payees' bank account numbers (field encryption)",
      enableKeyRotation: true,
      // Without it no stored account can be opened again.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.dataEventsTrail = this.trail(props.prefix, accessLogs);
    this.backupPlan = this.backup(props.prefix);

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
    // A lost identity key makes every stored identity hash unmatchable: keep it whatever happens.
    return retainedSecret(this, `${capitalize(name)}Secret`, {
      secretName: secretName(prefix, name),
      purpose: SECRETS[name].purpose,
      generateSecretString: {
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
        // The partners' keys are JSON by source id: one generated placeholder source until the
        // agreed keys are put as a new version.
        ...(name === "alertSourceKeys"
          ? { secretStringTemplate: "{}", generateStringKey: "unassigned" }
          : {}),
      },
      renewal:
        name === "identityHashKey" || name === "payeeHashSecret"
          ? "A keyed-hash key cannot rotate on a schedule: every stored hash would stop matching; a new key is a planned re-keying."
          : name === "alertSourceKeys"
            ? "Shared with the partner systems: each source's key is agreed with it and put as a new version, not generated on a schedule."
            : "Shared with the bank: a new value is agreed with the bank and put as a new version, not generated on a schedule.",
    });
  }

  /**
   * CloudTrail data events: every write to the tables (who put, updated or deleted which item — what
   * IAM's denies cannot see, e.g. an unconditional put) and every read or write of the documents
   * bucket's objects (a person's papers), into a bucket of their own with file validation.
   */
  private trail(prefix: string, accessLogs: s3.Bucket): cloudtrail.Trail {
    const bucket = new s3.Bucket(this, "TrailBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "trail/",
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: "trail-retention", expiration: Duration.days(TRAIL_RETENTION_DAYS) }],
    });
    const trail = new cloudtrail.Trail(this, "DataEventsTrail", {
      trailName: `${prefix}data-events`,
      bucket,
      enableFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
    });
    // Data events only (management events belong to the account's own trail): advanced selectors,
    // because basic ones cannot name DynamoDB tables.
    const cfn = trail.node.defaultChild as cloudtrail.CfnTrail;
    cfn.eventSelectors = undefined;
    cfn.advancedEventSelectors = [
      {
        name: "Writes to the AidFlow tables",
        fieldSelectors: [
          { field: "eventCategory", equalTo: ["Data"] },
          { field: "resources.type", equalTo: ["AWS::DynamoDB::Table"] },
          { field: "readOnly", equalTo: ["false"] },
          { field: "resources.ARN", equalTo: Object.values(this.tables).map((table) => table.tableArn) },
        ],
      },
      {
        name: "Objects of the documents bucket",
        fieldSelectors: [
          { field: "eventCategory", equalTo: ["Data"] },
          { field: "resources.type", equalTo: ["AWS::S3::Object"] },
          { field: "resources.ARN", startsWith: [`${this.documentsBucket.bucketArn}/`] },
        ],
      },
    ];
    return trail;
  }

  /** Daily and monthly backups of both tables in a vault of their own (docs/operations.md, Backups). */
  private backup(prefix: string): backup.BackupPlan {
    const vault = new backup.BackupVault(this, "BackupVault", {
      backupVaultName: `${prefix}backups`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(this, "BackupPlan", {
      backupPlanName: `${prefix}tables`,
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: "daily",
          // 03:00 in Beijing, after the day's payments and before the township offices open.
          scheduleExpression: events.Schedule.cron({ hour: "19", minute: "0" }),
          deleteAfter: Duration.days(BACKUP_RETENTION.dailyDays),
        }),
        new backup.BackupPlanRule({
          ruleName: "monthly",
          scheduleExpression: events.Schedule.cron({ day: "1", hour: "19", minute: "30" }),
          deleteAfter: Duration.days(BACKUP_RETENTION.monthlyDays),
        }),
      ],
    });
    const selection = plan.addSelection("Tables", {
      resources: Object.values(this.tables).map((table) => backup.BackupResource.fromDynamoDbTable(table)),
    });
    Validations.of(selection).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]",
      reason:
        "AWS Backup's own service-role policy for backups: AWS maintains it with the service's needs, nothing else gets it.",
    });
    return plan;
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
      // The SMS dispatcher is fed new message items from it (infra/sms-dispatch.ts).
      ...(definition.id === "main" ? { stream: MESSAGE_STREAM_VIEW } : {}),
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

/** Where the finance exports are written in the documents bucket (handed out by presigned link). */
export const EXPORTS_PREFIX = EXPORTS_KEY_PREFIX;
export const EXPORT_RETENTION_DAYS = 1;
/** CloudTrail data events are kept this long (the audit trail itself lives in the table). */
export const TRAIL_RETENTION_DAYS = 3 * 365;
/** Retention of the tables' backups (docs/operations.md, Backups). */
export const BACKUP_RETENTION = { dailyDays: 35, monthlyDays: 10 * 365 } as const;

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
