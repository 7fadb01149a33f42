/**
 * Documents of a case: `POST /cases/{caseId}/documents` asks for an upload URL and lists
 * the document on the case; `GET /cases/{caseId}/documents` lists them with download links.
 * Only what the applicant must bring is asked for: documents the government already holds are
 * looked up by the officer, not uploaded (DOMAIN §2.6) — hence no kind for household or income records.
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import { appendAudit } from "#adapters/audit-store.ts";
import { CaseDocumentItem, CaseDocuments } from "#adapters/case-documents.ts";
import { CaseStore } from "#adapters/case-store.ts";
import { ALLOWED_DOCUMENT_TYPES, documentStore, fileNameProblem } from "#adapters/document-store.ts";
import { type AccessResource, authorize, requireAuthorized } from "#core/access/index.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "#core/errors.ts";
import { bilingual, created, httpHandler, httpRouter } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";

export const DOCUMENT_KINDS = [
  "identity-document", // 身份证明（无身份证号者的其他证件, DOMAIN §2.1）
  "incident-proof", // 事故/灾害证明
  "medical-record", // 病历、诊断证明
  "expense-receipt", // 医疗/教育等刚性支出票据
  "bank-account-proof", // 银行账户证明
  "signature", // 现金发放签字
  "other",
] as const;

const DocumentKind = z.enum(DOCUMENT_KINDS);

const Params = z.object({
  caseId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, bilingual("Invalid case id", "案件编号格式不正确")),
});

export const RequestUploadSchema = z
  .object({
    kind: DocumentKind,
    // Shown to staff and saved on their PCs: no control, text-direction or broken characters.
    fileName: z
      .string()
      .trim()
      .min(1, bilingual("File name is required", "请填写文件名"))
      .max(200)
      .superRefine((name, ctx) => {
        const problem = fileNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: bilingual(problem.message, problem.messageZh) });
      }),
    contentType: z.enum(ALLOWED_DOCUMENT_TYPES),
    sizeBytes: z.number().int().positive(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: "DocumentUploadRequest" });

const TicketSchema = z.object({
  method: z.enum(["PUT", "GET"]),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

/** A document as the API shows it: the stored item without its storage key, with a download link. */
const DocumentSchema = CaseDocumentItem.omit({ storageKey: true })
  .extend({ kind: DocumentKind, download: TicketSchema.optional() })
  .meta({ id: "CaseDocument" });

interface CaseScope extends AccessResource {
  caseId: string;
}

/** What access control needs from the case (functions/adapters/case-store.ts). */
async function loadCaseScope(caseId: string): Promise<CaseScope> {
  const resource = await new CaseStore(dynamo(), config().tables.main).accessResource(caseId);
  if (!resource) throw new NotFoundError(`Case ${caseId} not found`, `案件 ${caseId} 不存在`);
  return { caseId, ...resource };
}

function caseDocuments(): CaseDocuments {
  return new CaseDocuments(dynamo(), config().tables.main);
}

const requestUpload = httpHandler({
  route: "POST /cases/{caseId}/documents",
  params: Params,
  body: RequestUploadSchema,
  action: "case.addDocument",
  // Each request lists one more document: only the key tells a retried tap from a second file.
  idempotencyKey: "required",
  summary: "Request an upload URL for a document of the case (the URL uploads once)",
  tags: ["documents"],
  response: { status: 201, schema: z.object({ document: DocumentSchema, upload: TicketSchema }) },
  handler: async ({ params, body, actor }) => {
    const scope = await loadCaseScope(params.caseId);
    requireAuthorized(actor, "case.addDocument", scope);
    const maxBytes = config().documents.maxBytes;
    if (body.sizeBytes > maxBytes) {
      throw new ValidationError("The file is too large", "文件过大", {
        fields: [
          {
            path: "sizeBytes",
            message: `At most ${maxBytes} bytes`,
            messageZh: `文件不能超过 ${maxBytes} 字节`,
          },
        ],
      });
    }
    const docId = randomUUID();
    const item = {
      docId,
      caseId: params.caseId,
      kind: body.kind,
      fileName: body.fileName,
      contentType: body.contentType,
      sizeBytes: body.sizeBytes,
      ...(body.note ? { note: body.note } : {}),
      requestedBy: actor.userId,
      requestedAt: now().toISOString(),
      uploaded: false,
      storageKey: `cases/${params.caseId}/${docId}`,
    } satisfies CaseDocumentItem;
    const upload = await documentStore().createUpload({
      key: item.storageKey,
      contentType: body.contentType,
      sizeBytes: body.sizeBytes,
    });
    await caseDocuments().add(item);
    await appendAudit({
      countyId: scope.countyId,
      townshipId: scope.townshipId,
      actor,
      action: "case.addDocument",
      resourceType: "case",
      resourceId: params.caseId,
      reason: `document requested: ${body.kind}`,
      after: {
        docId,
        kind: body.kind,
        fileName: body.fileName,
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
      },
    });
    const { storageKey: _key, ...document } = item;
    return created({ document, upload });
  },
});

const listDocuments = httpHandler({
  route: "GET /cases/{caseId}/documents",
  params: Params,
  summary: "Documents listed on the case",
  tags: ["documents"],
  response: { status: 200, schema: z.object({ documents: z.array(DocumentSchema) }) },
  handler: async ({ params, actor }) => {
    const scope = await loadCaseScope(params.caseId);
    // Applicants read their own case; staff and auditors read within their scope.
    const ownRead = authorize(actor, "case.readOwn", scope);
    if (!ownRead.allowed) {
      const staffRead = authorize(actor, "case.read", scope);
      if (!staffRead.allowed) {
        throw new ForbiddenError(staffRead.reason, staffRead.reasonZh, { details: { code: staffRead.code } });
      }
    }
    const store = documentStore();
    const documents = [];
    for (const { storageKey, ...stored } of await caseDocuments().list(params.caseId)) {
      const document = { ...stored, kind: DocumentKind.parse(stored.kind) };
      let uploaded = document.uploaded;
      if (!uploaded && (await store.head(storageKey))) {
        uploaded = true;
        await caseDocuments().markUploaded(params.caseId, document.docId);
      }
      documents.push({
        ...document,
        uploaded,
        ...(uploaded
          ? { download: await store.createDownload({ key: storageKey, fileName: document.fileName }) }
          : {}),
      });
    }
    return { documents };
  },
});

export const handler = httpRouter(requestUpload, listDocuments);
