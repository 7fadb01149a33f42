/** Amounts on the wire: text in yuan with at most two decimals (never a JS number), checked by `Yuan.isValidText`. */
import * as z from "zod";
import { Yuan } from "./yuan.ts";

export const YuanText = z
  .string()
  .refine((text) => Yuan.isValidText(text), { message: 'yuan with at most two decimals, e.g. "800.00"' });
