import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { LocalDocumentStore, S3DocumentStore } from "#adapters/document-store.ts";

describe("document store port", () => {
  it("S3: the pre-signed PUT signs content-type, content-length and if-none-match, so S3 takes only the declared file, once", async () => {
    const client = new S3Client({
      region: "cn-north-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    const store = new S3DocumentStore("aidflow-docs", client);
    const ticket = await store.createUpload({
      key: "cases/c1/d1",
      contentType: "application/pdf",
      sizeBytes: 2048,
    });
    const url = new URL(ticket.url);
    expect(ticket.method).toBe("PUT");
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).toEqual(
      expect.arrayContaining(["content-length", "content-type", "host", "if-none-match"]),
    );
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.has("x-amz-checksum-crc32")).toBe(false);
    expect(ticket.headers).toEqual({
      "content-type": "application/pdf",
      "content-length": "2048",
      "if-none-match": "*",
    });
  });

  it("local: a token is bound to its key, type, size and operation", async () => {
    const store = new LocalDocumentStore(
      await mkdtemp(join(tmpdir(), "docs-")),
      "http://127.0.0.1:1",
      "s3cret",
    );
    const ticket = await store.createUpload({ key: "cases/c1/d1", contentType: "image/png", sizeBytes: 3 });
    const token = ticket.url.split("/local-uploads/")[1] ?? "";
    await expect(store.acceptUpload(`${token}x`, "image/png", Buffer.from("abc"))).rejects.toMatchObject({
      statusCode: 403,
    });
    await expect(store.acceptUpload(token, "image/png", Buffer.from("abcd"))).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(await store.head("cases/c1/d1")).toBeUndefined();
    await store.acceptUpload(token, "image/png", Buffer.from("abc"));
    expect(await store.head("cases/c1/d1")).toEqual({ sizeBytes: 3, contentType: "image/png" });
    await expect(store.readDownload(token)).rejects.toMatchObject({ statusCode: 403 });
  });

  it("local: a key cannot escape the document directory", async () => {
    const store = new LocalDocumentStore(
      await mkdtemp(join(tmpdir(), "docs-")),
      "http://127.0.0.1:1",
      "s3cret",
    );
    await expect(store.head("../../etc/passwd")).rejects.toMatchObject({ statusCode: 403 });
  });
});
