import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import {
  contentDisposition,
  DOWNLOAD_URL_TTL_SECONDS,
  fileNameProblem,
  LocalDocumentStore,
  S3DocumentStore,
} from "#adapters/document-store.ts";
import { jsonNestingExceeds } from "#functions/http/validation.ts";
import { installClock, resetClock } from "#functions/runtime/clock.ts";

afterEach(() => resetClock());

describe("JSON nesting depth", () => {
  it("counts array and object levels without recursing: 1,000,000 deep is answered at once", () => {
    // Prepare
    const deep = `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`;
    // Act / Assess
    expect(jsonNestingExceeds(deep, 32)).toBe(true);
    expect(jsonNestingExceeds('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestingExceeds('{"a":[{"b":[1]}]}', 3)).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(jsonNestingExceeds(JSON.stringify({ a: '[[[[\\"{{{{' }), 1)).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify(["\\", [[1]]]), 2)).toBe(true);
  });

  it("siblings do not add up: depth is nesting, not the number of brackets", () => {
    expect(jsonNestingExceeds(JSON.stringify(Array.from({ length: 1000 }, () => [[1]])), 3)).toBe(false);
  });
});

describe("document file names", () => {
  it("Compliance: Chinese, spaces, brackets, emoji and markup are names (shown as text)", () => {
    for (const name of [
      "火灾证明.pdf",
      "诊断 (2).png",
      "收据📄.jpg",
      "<script>alert(1)</script>.pdf",
      "a&b.pdf",
    ]) {
      expect(fileNameProblem(name), name).toBeUndefined();
    }
  });

  it("Noncompliance: control characters, bidi controls and unpaired surrogates", () => {
    const cases: Array<[string, string]> = [
      ["a\u0000", "控制字符"],
      ["a\u001f", "控制字符"],
      ["a\u007f", "控制字符"],
      ["a\u009b", "控制字符"],
      ["a\u202a", "文字方向控制字符"],
      ["a\u202e", "文字方向控制字符"],
      ["a\u2066", "文字方向控制字符"],
      ["a\u2069", "文字方向控制字符"],
      ["a\u200e", "文字方向控制字符"],
      ["a\u200f", "文字方向控制字符"],
      ["a\u061c", "文字方向控制字符"],
      ["a\ud800", "残缺字符"],
      ["a\udfff", "残缺字符"],
      ["\udc00\ud800", "残缺字符"],
    ];
    for (const [name, what] of cases) {
      expect(fileNameProblem(name)?.messageZh, JSON.stringify(name)).toBe(`文件名不能包含${what}`);
    }
  });

  it("Content-Disposition: RFC 5987 filename* in UTF-8 and an ASCII filename without quotes or controls", () => {
    expect(contentDisposition("火灾证明.pdf")).toBe(
      "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E7%81%AB%E7%81%BE%E8%AF%81%E6%98%8E.pdf",
    );
    expect(contentDisposition("a\"b\\c%\r\n(1)'*.pdf")).toBe(
      "attachment; filename=\"a_b_c___(1)'*.pdf\"; filename*=UTF-8''a%22b%5Cc%25%0D%0A%281%29%27%2A.pdf",
    );
    expect(contentDisposition("x\ud800.pdf")).toBe(
      "attachment; filename=\"x_.pdf\"; filename*=UTF-8''x%EF%BF%BD.pdf",
    );
  });
});

describe("download links and upload tickets", () => {
  it(`S3: a download link lives ${DOWNLOAD_URL_TTL_SECONDS} s (at most 5 minutes) and names the file RFC 5987-encoded`, async () => {
    // Prepare
    const client = new S3Client({
      region: "cn-north-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    const store = new S3DocumentStore("aidflow-docs", client);
    // Act
    const ticket = await store.createDownload({ key: "cases/c1/d1", fileName: "证明\u0022.pdf" });
    // Assess
    const url = new URL(ticket.url);
    expect(DOWNLOAD_URL_TTL_SECONDS).toBeLessThanOrEqual(300);
    expect(url.searchParams.get("X-Amz-Expires")).toBe(String(DOWNLOAD_URL_TTL_SECONDS));
    expect(url.searchParams.get("response-content-disposition")).toBe(contentDisposition('证明".pdf'));
  });

  it("local: a download link is refused after its time; an upload ticket writes once", async () => {
    // Prepare
    const store = new LocalDocumentStore(
      await mkdtemp(join(tmpdir(), "docs-")),
      "http://127.0.0.1:1",
      "s3cret",
    );
    const startMs = Date.parse("2026-12-01T08:00:00Z");
    installClock({ nowMs: () => startMs });
    const upload = await store.createUpload({ key: "cases/c1/d1", contentType: "image/png", sizeBytes: 3 });
    const uploadToken = upload.url.split("/local-uploads/")[1] ?? "";
    await store.acceptUpload(uploadToken, "image/png", Buffer.from("abc"));
    // Act
    // Settled into a value at once: a rejection awaited only later would be reported as unhandled.
    const again = store.acceptUpload(uploadToken, "image/png", Buffer.from("xyz")).catch((e: unknown) => e);
    const download = await store.createDownload({ key: "cases/c1/d1", fileName: "图.png" });
    const downloadToken = download.url.split("/local-downloads/")[1] ?? "";
    const inTime = await store.readDownload(downloadToken);
    installClock({ nowMs: () => startMs + DOWNLOAD_URL_TTL_SECONDS * 1000 + 1 });
    const late = await store.readDownload(downloadToken).catch((e: unknown) => e);
    // Assess
    expect(await again).toMatchObject({ statusCode: 409 });
    expect(inTime.body.toString()).toBe("abc");
    expect(inTime.contentDisposition).toBe(contentDisposition("图.png"));
    expect(Date.parse(download.expiresAt) - startMs).toBe(DOWNLOAD_URL_TTL_SECONDS * 1000);
    expect(late).toMatchObject({ statusCode: 403 });
  });
});
