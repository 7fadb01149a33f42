/**
 * A setting or secret whose text is JSON: parsed, or one issue saying what JSON was expected (the
 * text itself never appears in the message — it may be a key). Pipe the result into its schema.
 */
import * as z from "zod";

export function jsonText(message = "must be JSON") {
  return z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
  });
}
