/** A rendered message as the dispatcher hands it to a channel, from the real templates. */

import { type RenderedMessage, renderMessage } from "#core/messages/render.ts";
import { DEFAULT_TEMPLATES } from "#core/messages/templates.ts";

export const SIGN_NAME = "示例县民政局";
export const PHONE = "+8613812345678";
export const MESSAGE_ID = "C20261206-0a1b2c3d4e:money-sent:advance";

export function moneySent(): RenderedMessage {
  return renderMessage(
    {
      kind: "money-sent",
      values: { salutation: "张女士", amount: 80_000, bank: "中国农业银行", accountTail: "0123" },
    },
    { templates: DEFAULT_TEMPLATES, signName: SIGN_NAME },
  );
}
