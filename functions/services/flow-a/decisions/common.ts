/** What the request schemas of Flow A's decisions share. */
import * as z from "zod";
import { YuanText } from "#core/money/index.ts";

export const Reason = z.string().trim().min(2).max(1000);

/** An approval of an amount (at most what the step allows) or a rejection with its reason. */
export const AmountDecisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), amountYuan: YuanText, reason: Reason.optional() }).strict(),
  z.object({ decision: z.literal("reject"), reason: Reason }).strict(),
]);
