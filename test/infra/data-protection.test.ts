/**
 * Data protection in the templates: no function may delete, update or batch-write audit items,
 * delete or batch-write ledger items, or scan a table (explicit denies); the functions that take or
 * pay to bank accounts get the field-encryption key and no other does; CloudTrail records the tables'
 * writes and the documents' object events into an encrypted bucket; AWS Backup keeps both tables.
 */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { APPLICANT_PHONE_PURPOSE } from "#adapters/sms-delivery-store.ts";
import { FUNCTIONS, needsOf } from "#functions/catalog.ts";
import { ACCOUNT_KEY } from "#functions/runtime/environment.ts";
import { BACKUP_RETENTION, EXPORTS_PREFIX } from "#infra/stacks/data-stack.ts";
import { physicalTableName } from "#infra/tables.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

type Statement = {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type Resource = { Properties: Record<string, unknown> };

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const mentions = (s: Statement, table: string) => JSON.stringify(s.Resource).includes(`table/${table}`);

describe("data protection", () => {
  let functions: Template;
  let data: Template;

  beforeAll(() => {
    // Prepare: the real catalog (bundling is skipped; no state machines needed for the roles' tables)
    const { stacks } = buildFixtureApp({ functions: FUNCTIONS, workflows: [] });
    // Act
    functions = Template.fromStack(stacks.functions!);
    data = Template.fromStack(stacks.data);
  });

  function statementsOf(id: string): Statement[] {
    const fn = Object.values(functions.findResources("AWS::Lambda::Function")).find(
      (f) =>
        ((f as Resource).Properties.Environment as { Variables: Record<string, string> }).Variables
          .AIDFLOW_FUNCTION === id,
    ) as Resource;
    const roleId = (fn.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    return Object.values(functions.findResources("AWS::IAM::Policy"))
      .filter((policy) => JSON.stringify((policy as Resource).Properties.Roles).includes(roleId))
      .flatMap(
        (policy) => ((policy as Resource).Properties.PolicyDocument as { Statement: Statement[] }).Statement,
      );
  }

  function variablesOf(id: string): Record<string, unknown> {
    const fn = Object.values(functions.findResources("AWS::Lambda::Function")).find(
      (f) =>
        ((f as Resource).Properties.Environment as { Variables: Record<string, string> }).Variables
          .AIDFLOW_FUNCTION === id,
    ) as Resource;
    return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  }

  const main = physicalTableName(PREFIX, "main");
  const ledger = physicalTableName(PREFIX, "ledger");

  it.each(FUNCTIONS.filter((f) => f.access.tables?.main === "write").map((f) => [f.id]))(
    "%s may not delete, update or batch-write an audit item of the main table",
    (id) => {
      const denies = statementsOf(id).filter((s) => s.Effect === "Deny" && mentions(s, main));
      const audit = denies.find((s) =>
        ["dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"].every((a) =>
          actionsOf(s).includes(a),
        ),
      );
      expect(audit?.Condition).toEqual({
        "ForAnyValue:StringLike": { "dynamodb:LeadingKeys": ["AUDIT#*", "AUDITDEDUP#*", "PERSONVIEWS#*"] },
      });
    },
  );

  it.each(FUNCTIONS.filter((f) => f.access.tables?.ledger === "write").map((f) => [f.id]))(
    "%s may not delete or batch-write any ledger item",
    (id) => {
      const deny = statementsOf(id).find(
        (s) => s.Effect === "Deny" && mentions(s, ledger) && actionsOf(s).includes("dynamodb:DeleteItem"),
      );
      expect(deny && actionsOf(deny).sort()).toEqual(["dynamodb:BatchWriteItem", "dynamodb:DeleteItem"]);
      expect(deny?.Condition).toBeUndefined();
    },
  );

  it("no function is allowed to scan a table, and every function with a table is denied it", () => {
    for (const definition of FUNCTIONS.filter((f) => f.access.tables)) {
      const statements = statementsOf(definition.id);
      const allowed = statements.filter((s) => s.Effect !== "Deny").flatMap(actionsOf);
      expect(allowed, definition.id).not.toContain("dynamodb:Scan");
      expect(
        statements.some((s) => s.Effect === "Deny" && actionsOf(s).includes("dynamodb:Scan")),
        definition.id,
      ).toBe(true);
    }
  });

  it("exactly the functions that take or pay to a bank account, or text an applicant, may use the account key, for those fields only", () => {
    const holders = FUNCTIONS.filter((f) => needsOf(f).accountKey).map((f) => f.id);
    expect(
      FUNCTIONS.filter((f) => needsOf(f).accountKeyOpensPhoneOnly)
        .map((f) => f.id)
        .sort(),
    ).toEqual(["SmsContact", "SmsDispatch"]);
    expect(holders).toEqual(
      expect.arrayContaining([
        "FileCase",
        "CaseDecisions",
        "PlanEndpoints",
        "PayAid",
        "PayStage",
        "SmsDispatch",
      ]),
    );
    for (const definition of FUNCTIONS) {
      const kms = statementsOf(definition.id).filter(
        (s) => actionsOf(s).includes("kms:Decrypt") && JSON.stringify(s.Resource).includes("AccountKey"),
      );
      const variable = variablesOf(definition.id)[ACCOUNT_KEY.idEnv];
      if (holders.includes(definition.id) && needsOf(definition).accountKeyOpensPhoneOnly) {
        // The SMS functions open applicants' phones and nothing else: no new data key, no bank account.
        expect(kms, definition.id).toHaveLength(1);
        expect(actionsOf(kms[0] as Statement), definition.id).toEqual(["kms:Decrypt"]);
        expect(kms[0]?.Condition).toEqual({
          StringEquals: { "kms:EncryptionContext:purpose": [APPLICANT_PHONE_PURPOSE] },
        });
        expect(JSON.stringify(variable), definition.id).toContain("AccountKey");
      } else if (holders.includes(definition.id)) {
        expect(kms, definition.id).toHaveLength(1);
        expect(kms[0]?.Condition).toEqual({
          StringEquals: { "kms:EncryptionContext:purpose": [ACCOUNT_KEY.purpose, APPLICANT_PHONE_PURPOSE] },
        });
        expect(JSON.stringify(variable), definition.id).toContain("AccountKey");
      } else {
        expect(kms, definition.id).toEqual([]);
        expect(variable, definition.id).toBeUndefined();
      }
    }
    data.hasResourceProperties("AWS::KMS::Key", {
      Description: Match.stringLikeRegexp("bank account"),
      EnableKeyRotation: true,
    });
  });

  it("CloudTrail records writes to both tables and the documents' object events into an encrypted, TLS-only bucket", () => {
    const trails = Object.values(data.findResources("AWS::CloudTrail::Trail")) as Resource[];
    expect(trails).toHaveLength(1);
    const trail = trails[0] as Resource;
    expect(trail.Properties.EnableLogFileValidation).toBe(true);
    expect(trail.Properties.EventSelectors).toBeUndefined();
    const selectors = JSON.stringify(trail.Properties.AdvancedEventSelectors);
    expect(selectors).toContain("AWS::DynamoDB::Table");
    expect(selectors).toContain("AWS::S3::Object");
    expect(selectors).toContain("MainTable");
    expect(selectors).toContain("LedgerTable");
    expect(selectors).toContain("DocumentsBucket");
    const bucketId = (trail.Properties.S3BucketName as { Ref: string }).Ref;
    const bucket = data.findResources("AWS::S3::Bucket")[bucketId] as Resource;
    expect(JSON.stringify(bucket.Properties.BucketEncryption)).toContain("AES256");
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true });
    data.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      }),
    });
  });

  it("AWS Backup keeps both tables daily and monthly, with the documented retention", () => {
    data.hasResourceProperties("AWS::Backup::BackupPlan", {
      BackupPlan: Match.objectLike({
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({ RuleName: "daily", Lifecycle: { DeleteAfterDays: BACKUP_RETENTION.dailyDays } }),
          Match.objectLike({
            RuleName: "monthly",
            Lifecycle: { DeleteAfterDays: BACKUP_RETENTION.monthlyDays },
          }),
        ]),
      }),
    });
    const selection = JSON.stringify(data.findResources("AWS::Backup::BackupSelection"));
    expect(selection).toContain("MainTable");
    expect(selection).toContain("LedgerTable");
  });

  it("the documents bucket is versioned and lets exports expire", () => {
    data.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: EXPORTS_PREFIX, ExpirationInDays: 1, Status: "Enabled" }),
        ]),
      },
    });
  });
});
