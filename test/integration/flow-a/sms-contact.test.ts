/**
 * The applicant's phone for texting (issue 24), recorded at filing: sealed at rest like a bank
 * account (no stored item holds the plain number), written once however often the filing is
 * retried, nothing written for a refused filing or for one without a phone.
 */
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { derivedLocalKey, FieldCipher, keyWrapperFor } from "#functions/runtime/field-encryption.ts";
import { type FlowAWorld, filing, IDENTITY_HASH_KEY, key, startFlowAWorld } from "./world.ts";

/** The world's payee hash secret: the local field key derives from it (services/deps.ts). */
const PAYEE_HASH_SECRET = "flow-a-payee-hash-secret-00000001";

let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-smsc" });
});

afterAll(async () => {
  await world?.close();
});

/** Every SMS contact item as stored (no adapter in between). */
async function contactItems(): Promise<Record<string, unknown>[]> {
  const page = await world.runtime.dynamo.send(
    new ScanCommand({
      TableName: world.runtime.tables.main,
      FilterExpression: "begins_with(pk, :contact)",
      ExpressionAttributeValues: { ":contact": { S: "SMSCONTACT#" } },
    }),
  );
  return (page.Items ?? []).map((item) => unmarshall(item));
}

function store(): SmsDeliveryStore {
  const db = DynamoDBDocumentClient.from(world.runtime.dynamo);
  const key = { kind: "local" as const, key: derivedLocalKey(PAYEE_HASH_SECRET) };
  return new SmsDeliveryStore(
    db,
    world.runtime.tables.main,
    IDENTITY_HASH_KEY,
    new FieldCipher(keyWrapperFor(key)),
  );
}

describe("the applicant's phone for SMS, recorded at filing", () => {
  it("a filing records the phone sealed, once, even when retried; the dispatcher's store opens it", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const body = filing({
      applicant: {
        name: "张伟",
        document: { type: "resident-id", number: "230123198001011238" },
        phone: "138 1234 5678",
        registration: { countyCode: "230123" },
      },
    });
    const replay = key("file");

    // Act
    const first = await applicant.post<{ caseId: string }>("/cases", body, replay);
    const again = await applicant.post<{ caseId: string }>("/cases", body, replay);
    const anew = await applicant.post<{ caseId: string }>("/cases", body, key("file"));

    // Assess
    expect(first.status, first.text).toBe(201);
    expect([again.body.caseId, anew.body.caseId]).toEqual([first.body.caseId, first.body.caseId]);
    const items = (await contactItems()).filter((item) => String(item.pk).endsWith(`#${first.body.caseId}`));
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items[0])).not.toContain("12345678");
    expect(items[0]?.phoneSealed).toMatch(/^v1\./);
    expect(items[0]?.phoneMasked).toBe("138****5678");
    expect(await store().applicantPhone("230123", first.body.caseId)).toBe("+8613812345678");
  });

  it("a refused filing and a filing without a phone record no phone", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-li");
    const before = await contactItems();
    const noPhone = filing({
      hardship: { cause: "traffic-accident" },
      applicant: {
        name: "李娜",
        document: { type: "resident-id", number: "230123199002022347" },
        registration: { countyCode: "230123" },
      },
    });
    const refused = filing({
      hardship: { cause: "illness" },
      applicant: {
        name: "李娜",
        document: { type: "resident-id", number: "230123199002022340" },
        phone: "13900001111",
        registration: { countyCode: "230123" },
      },
    });

    // Act
    const bad = await applicant.post("/cases", refused, key("file"));
    const filed = await applicant.post<{ caseId: string }>("/cases", noPhone, key("file"));

    // Assess
    expect(bad.status, bad.text).toBe(400);
    expect(filed.status, filed.text).toBe(201);
    expect(await contactItems()).toEqual(before);
    expect(await store().applicantPhone("230123", filed.body.caseId)).toBeUndefined();
  });
});
