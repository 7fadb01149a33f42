/**
 * Policy versions as data (DOMAIN §7, §8): a county administrator proposes a version, another
 * administrator approves it, and only then does it join the county's policy set that
 * reference-data's StoredPolicySource reads.
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `POLICY#<countyId>` | `SET` | the approved versions (`policySet`) and a `revision` counter |
 * | `POLICY#<countyId>` | `PROPOSAL#<versionId>` | one version: `proposed` or `approved`, who and when |
 *
 * An approval appends to the set in one transaction with the proposal's status change, conditioned on
 * the set's revision and on the proposal still being `proposed`: two approvals of one version, or two
 * versions approved at once, never both land. An approved version is never rewritten here.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#core/errors.ts";
import { type CountyPolicySet, type PolicyVersion, parseCountyPolicySet } from "#core/policy/index.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { notePolicyWrite } from "./directory-store.ts";
import { queryAll } from "./query-all.ts";

/** A county keeps at most this many versions (proposed and approved; a read takes them all, more is an error). */
export const POLICY_VERSIONS_PER_COUNTY_MAX = 200;

export type ProposalStatus = "proposed" | "approved";

export interface PolicyProposal {
  version: PolicyVersion;
  status: ProposalStatus;
  proposedBy: { userId: string; name: string };
  proposedAt: string;
  approvedBy?: { userId: string; name: string };
  approvedAt?: string;
}

const pk = (countyId: string) => `POLICY#${countyId}`;
const proposalSk = (versionId: string) => `PROPOSAL#${versionId}`;

function conditionFailed(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === "ConditionalCheckFailedException" || name === "TransactionCanceledException";
}

export class PolicyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The approved set with its revision; undefined when the county has no approved version yet.
   * `consistentRead: false` for the readers that cache the set anyway (reference-data.ts).
   */
  async approvedSet(
    countyId: string,
    { consistentRead = true }: { consistentRead?: boolean } = {},
  ): Promise<{ set: CountyPolicySet; revision: number } | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(countyId), sk: "SET" },
        ConsistentRead: consistentRead,
      }),
    );
    if (!out.Item?.policySet) return undefined;
    return { set: parseCountyPolicySet(out.Item.policySet), revision: Number(out.Item.revision ?? 0) };
  }

  async proposal(countyId: string, versionId: string): Promise<PolicyProposal | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(countyId), sk: proposalSk(versionId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toProposal(out.Item) : undefined;
  }

  async proposals(countyId: string): Promise<PolicyProposal[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": pk(countyId), ":p": "PROPOSAL#" },
        ConsistentRead: true,
      },
      { itemsMax: POLICY_VERSIONS_PER_COUNTY_MAX, what: `policy versions in county ${countyId}` },
    );
    return items.map(toProposal);
  }

  /** Stores a new proposal; 409 when the version id is taken. */
  async propose(proposal: Omit<PolicyProposal, "status">): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf({ ...proposal, status: "proposed" }),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      throw new ConflictError(
        `Policy version ${proposal.version.versionId} already exists`,
        "该政策版本号已存在，请换一个版本号",
        { details: { versionId: proposal.version.versionId } },
      );
    }
  }

  /** A proposal with the number of times it was revised (0 before the first revision). */
  async proposalWithRevision(
    countyId: string,
    versionId: string,
  ): Promise<{ proposal: PolicyProposal; revision: number } | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(countyId), sk: proposalSk(versionId) },
        ConsistentRead: true,
      }),
    );
    return out.Item
      ? { proposal: toProposal(out.Item), revision: Number(out.Item.revision ?? 0) }
      : undefined;
  }

  /**
   * Replaces a proposal that is still `proposed` and still at `expectedRevision`; false (nothing
   * written) when it was approved or revised meanwhile: the caller reads it again.
   */
  async revise(proposal: Omit<PolicyProposal, "status">, expectedRevision: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemOf({ ...proposal, status: "proposed" }), revision: expectedRevision + 1 },
          ConditionExpression:
            "#status = :proposed AND (revision = :rev OR (attribute_not_exists(revision) AND :rev = :zero))",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":proposed": "proposed", ":rev": expectedRevision, ":zero": 0 },
        }),
      );
      return true;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      return false;
    }
  }

  /**
   * Approves: the set (already validated by the caller, the new version appended) replaces the stored
   * one at `expectedRevision`, and the proposal becomes `approved`, in one transaction.
   */
  async approve(input: {
    countyId: string;
    versionId: string;
    set: CountyPolicySet;
    expectedRevision: number | undefined;
    approvedBy: { userId: string; name: string };
  }): Promise<void> {
    const at = new Date(nowMs()).toISOString();
    const valid = parseCountyPolicySet(input.set);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: pk(input.countyId),
                  sk: "SET",
                  type: "policy-set",
                  countyId: input.countyId,
                  policySet: JSON.parse(JSON.stringify(valid)),
                  versionIds: valid.versions.map((v) => v.versionId),
                  revision: (input.expectedRevision ?? 0) + 1,
                  writtenAt: at,
                },
                ...(input.expectedRevision === undefined
                  ? { ConditionExpression: "attribute_not_exists(pk)" }
                  : {
                      ConditionExpression:
                        "revision = :rev OR (attribute_not_exists(revision) AND :rev = :zero)",
                      ExpressionAttributeValues: { ":rev": input.expectedRevision, ":zero": 0 },
                    }),
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: pk(input.countyId), sk: proposalSk(input.versionId) },
                UpdateExpression: "SET #status = :approved, approvedBy = :by, approvedAt = :at",
                ConditionExpression: "#status = :proposed",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                  ":approved": "approved",
                  ":proposed": "proposed",
                  ":by": input.approvedBy,
                  ":at": at,
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      throw new ConflictError(
        `Policy version ${input.versionId} or the county's policy changed meanwhile`,
        "政策版本已被他人处理或本县政策已变更，请刷新后重试",
        { details: { versionId: input.versionId } },
      );
    } finally {
      notePolicyWrite(this.tableName, input.countyId);
    }
  }
}

export function versionFrozen(versionId: string): ConflictError {
  return new ConflictError(
    `Policy version ${versionId} is approved and can no longer be changed; propose a new version`,
    "该政策版本已审批生效，不得修改；如需调整请提出新版本",
    { details: { versionId } },
  );
}

function itemOf(proposal: PolicyProposal): Record<string, unknown> {
  return {
    pk: pk(proposal.version.countyId),
    sk: proposalSk(proposal.version.versionId),
    type: "policy-proposal",
    ...JSON.parse(JSON.stringify(proposal)),
  };
}

function toProposal(item: Record<string, unknown>): PolicyProposal {
  return {
    version: item.version as PolicyVersion,
    status: item.status === "approved" ? "approved" : "proposed",
    proposedBy: item.proposedBy as PolicyProposal["proposedBy"],
    proposedAt: String(item.proposedAt),
    ...(item.approvedBy ? { approvedBy: item.approvedBy as PolicyProposal["approvedBy"] } : {}),
    ...(item.approvedAt ? { approvedAt: String(item.approvedAt) } : {}),
  };
}
