/**
 * Requests to the local runtime's DynamoDB go unsigned (functions/runtime/local-signer.ts); a client
 * of AWS keeps the SDK's SigV4 signer. The request each client sends is caught at its request
 * handler, before any network, and its `Authorization` header read.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient, setDynamoClientDefaults } from "#functions/runtime/dynamo-client.ts";
import { isLoopbackEndpoint } from "#functions/runtime/local-signer.ts";
import { LOCAL_REGION, localDynamoClient } from "#local/dynamodb/engine.ts";

const CAUGHT = "caught before sending";

/** A request handler that keeps the request's headers and sends nothing. */
function catchingHandler(): {
  headers: Record<string, string>[];
  handler: { handle(request: { headers: Record<string, string> }): Promise<never> };
} {
  const headers: Record<string, string>[] = [];
  return {
    headers,
    handler: {
      handle: async (request) => {
        headers.push({ ...request.headers });
        throw new Error(CAUGHT);
      },
    },
  };
}

const getItem = new GetItemCommand({
  TableName: "aidflow-main",
  Key: { pk: { S: "CASE#1" }, sk: { S: "CASE" } },
});

const awsEnv = {
  AWS_REGION: "cn-north-1",
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE01",
  AWS_SECRET_ACCESS_KEY: "example-secret-access-key-0000000000000",
};

const savedEnv = { ...process.env };

/** Sets (or, for undefined, removes) environment variables until the test ends. */
function withEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

afterEach(() => {
  process.env = { ...savedEnv };
  setDynamoClientDefaults({});
});

describe("signing requests of DynamoDB clients", () => {
  it("a handler's client of AWS signs with SigV4 (an HMAC signature over the request)", async () => {
    // Prepare: no endpoint variable, as in AWS
    const caught = catchingHandler();
    setDynamoClientDefaults({ requestHandler: caught.handler as never });
    withEnv({ ...awsEnv, AWS_ENDPOINT_URL_DYNAMODB: undefined, AWS_ENDPOINT_URL: undefined });
    const client = newDynamoDbClient(dynamoEndpoint());

    // Act
    await expect(client.send(getItem)).rejects.toThrow(CAUGHT);

    // Assess
    const authorization = caught.headers[0]?.authorization ?? "";
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEEXAMPLE01\/\d{8}\/cn-north-1\/dynamodb\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(caught.headers[0]?.["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it("a handler's client of the local runtime's DynamoDB (a loopback endpoint) sends the request unsigned", async () => {
    // Prepare: the variables the local runtime sets for its handlers
    const caught = catchingHandler();
    setDynamoClientDefaults({ requestHandler: caught.handler as never });
    withEnv({ ...awsEnv, AWS_ACCESS_KEY_ID: "local", AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:8000" });
    const client = newDynamoDbClient(dynamoEndpoint());

    // Act
    await expect(client.send(getItem)).rejects.toThrow(CAUGHT);

    // Assess: a fixed header naming key and region (DynamoDB Local wants one), no signature, no date
    expect(caught.headers[0]?.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=local/20000101/cn-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=unsigned-local",
    );
    expect(caught.headers[0]?.["x-amz-date"]).toBeUndefined();
  });

  it("the local runtime's own clients of DynamoDB Local send their requests unsigned", async () => {
    // Prepare
    const caught = catchingHandler();
    const client = localDynamoClient("http://127.0.0.1:8000", { requestHandler: caught.handler as never });

    // Act
    await expect(client.send(getItem)).rejects.toThrow(CAUGHT);

    // Assess
    expect(caught.headers[0]?.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=local/20000101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=unsigned-local`,
    );
  });

  it("only an endpoint on this machine counts as local", () => {
    expect(isLoopbackEndpoint("http://127.0.0.1:8000")).toBe(true);
    expect(isLoopbackEndpoint("http://localhost:8000")).toBe(true);
    expect(isLoopbackEndpoint("http://[::1]:8000")).toBe(true);
    expect(isLoopbackEndpoint("https://dynamodb.cn-north-1.amazonaws.com.cn")).toBe(false);
    expect(isLoopbackEndpoint("http://127.0.0.1.example.com")).toBe(false);
    expect(isLoopbackEndpoint(undefined)).toBe(false);
    expect(isLoopbackEndpoint("not a url")).toBe(false);
  });
});
