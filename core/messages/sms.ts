/**
 * How SMS providers count a text message (阿里云《短信发送规则》, 腾讯云 and 华为云 count alike): the
 * signature with its 【】 plus the body, every Chinese character, letter, digit, punctuation mark or
 * space one character. Up to 70 characters is one message; a longer one is billed in segments of 67
 * (the rest of each carries the concatenation header). AidFlow allows at most two segments.
 */

/** Characters of a message sent as one segment (UCS-2). */
export const SMS_SINGLE_SEGMENT_CHARS = 70;
/** Characters of each segment of a concatenated (long) message. */
export const SMS_CONCATENATED_SEGMENT_CHARS = 67;
/** At most two segments a message, signature included: a notice, not a letter. */
export const SMS_SEGMENTS_MAX = 2;
/** The longest message AidFlow sends: two concatenated segments. */
export const SMS_CHARS_MAX = SMS_CONCATENATED_SEGMENT_CHARS * SMS_SEGMENTS_MAX;

/** Signature length the providers accept (腾讯云: 2–12 characters; 阿里云 the same for 企事业单位名). */
export const SIGN_NAME_CHARS_MIN = 2;
export const SIGN_NAME_CHARS_MAX = 12; // not-policy: provider's signature length

/** Characters as a provider counts them: code points, not UTF-16 units. */
export function smsChars(text: string): number {
  return [...text].length;
}

/** Segments a message of `chars` characters is sent (and billed) as. */
export function smsSegments(chars: number): number {
  if (!Number.isSafeInteger(chars) || chars < 0) throw new RangeError("chars must be a non-negative integer");
  if (chars === 0) return 0;
  if (chars <= SMS_SINGLE_SEGMENT_CHARS) return 1;
  return Math.ceil(chars / SMS_CONCATENATED_SEGMENT_CHARS);
}

/** The signature as the provider puts it before the body: 【示例县民政局】. */
export function signatureText(signName: string): string {
  return `【${signName}】`;
}
