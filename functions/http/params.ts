/** Path parameters many routes share. */
import * as z from "zod";

/** `{caseId}`: any id of the case ids' alphabet; an unknown one is a 404 after the role check. */
export const CaseParams = z.object({ caseId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a case id") });
