/**
 * The moments AidFlow tells someone something (DOMAIN §8): to the applicant at each step
 * of a case, to staff about their tasks. Each event names the variables its message may use and no
 * other, so a message carries only what its reader needs.
 */
import * as z from "zod";
import { ValidationError } from "../errors.ts";
import { VARIABLES, type VariableName, type VariableValue, variableSchema } from "./variables.ts";

export type Audience = "applicant" | "staff";

export const MESSAGE_EVENTS = {
  /** The application is received: case number, what happens next and by when. */
  "application-received": {
    audience: "applicant",
    variables: ["salutation", "caseNumber", "township", "decideBy"],
  },
  "advance-approved": { audience: "applicant", variables: ["salutation", "caseNumber", "amount"] },
  /** With the reason in plain words. */
  "advance-refused": { audience: "applicant", variables: ["salutation", "caseNumber", "reason", "township"] },
  "money-sent": { audience: "applicant", variables: ["salutation", "amount", "bank", "accountTail"] },
  /** The transfer came back: what to do. */
  "transfer-failed": {
    audience: "applicant",
    variables: ["salutation", "amount", "bank", "accountTail", "township"],
  },
  /** What to bring, where, by when. */
  "paperwork-due": {
    audience: "applicant",
    variables: ["salutation", "caseNumber", "township", "dueDate", "items"],
  },
  /** One working day before the paperwork deadline. */
  "paperwork-reminder": { audience: "applicant", variables: ["salutation", "township", "dueDate", "items"] },
  "follow-up-decision": { audience: "applicant", variables: ["salutation", "caseNumber", "outcome"] },
  "stage-paid": {
    audience: "applicant",
    variables: ["salutation", "stage", "stages", "amount", "accountTail"],
  },
  /** The 公示 period of an expenditure case. */
  "public-notice": {
    audience: "applicant",
    variables: ["salutation", "caseNumber", "township", "noticeFrom", "noticeTo"],
  },
  "withdrawal-confirmed": { audience: "applicant", variables: ["salutation", "caseNumber"] },
  /** 办结告知, with the 好差评 link. */
  "case-closed": { audience: "applicant", variables: ["salutation", "caseNumber", "ratingUrl"] },
  "task-assigned": { audience: "staff", variables: ["township", "task", "caseNumber", "deadline"] },
  "task-near-deadline": { audience: "staff", variables: ["township", "task", "caseNumber", "deadline"] },
  "task-escalated": { audience: "staff", variables: ["township", "task", "caseNumber"] },
} as const satisfies Record<string, { audience: Audience; variables: readonly VariableName[] }>;

export type MessageEventKind = keyof typeof MESSAGE_EVENTS;
export const MESSAGE_EVENT_KINDS = Object.keys(MESSAGE_EVENTS) as MessageEventKind[];

export type EventVariables<K extends MessageEventKind> = (typeof MESSAGE_EVENTS)[K]["variables"][number];

/** One event with exactly the values its message needs. */
export type MessageEvent = {
  [K in MessageEventKind]: {
    kind: K;
    values: { [N in EventVariables<K>]: VariableValue<N> };
  };
}[MessageEventKind];

export function isMessageEventKind(kind: string): kind is MessageEventKind {
  return Object.hasOwn(MESSAGE_EVENTS, kind);
}

export function audienceOf(kind: MessageEventKind): Audience {
  return MESSAGE_EVENTS[kind].audience;
}

export function variablesOf(kind: MessageEventKind): readonly VariableName[] {
  return MESSAGE_EVENTS[kind].variables;
}

const valuesSchemas = new Map<MessageEventKind, z.ZodType>();

function valuesSchema(kind: MessageEventKind): z.ZodType {
  let schema = valuesSchemas.get(kind);
  if (!schema) {
    schema = z.strictObject(
      Object.fromEntries(variablesOf(kind).map((name) => [name, variableSchema(name)])),
    );
    valuesSchemas.set(kind, schema);
  }
  return schema;
}

/**
 * Checks an event as a step writes it or the dispatcher reads it back: a known kind and exactly its
 * variables, each by its kind (a full name, an ID number or a whole account number is refused).
 */
export function parseMessageEvent(input: unknown): MessageEvent {
  const shape = z.object({ kind: z.string(), values: z.record(z.string(), z.unknown()) }).safeParse(input);
  if (!shape.success) {
    throw new ValidationError("a message event has a kind and values", "消息事件须含类型和变量", {
      fields: [{ path: "kind", message: "a kind and values", messageZh: "须含类型和变量" }],
    });
  }
  const { kind, values } = shape.data;
  if (!isMessageEventKind(kind)) {
    throw new ValidationError(`unknown message event ${kind}`, "未知的消息事件", {
      fields: [{ path: "kind", message: "an unknown message event", messageZh: "未知的消息事件" }],
    });
  }
  const parsed = valuesSchema(kind).safeParse(values);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "");
      const known = Object.hasOwn(VARIABLES, name);
      const zhMessage = (issue as { params?: { zh?: string } }).params?.zh;
      return {
        path: `values.${issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(",") : "")}`,
        message: issue.code === "unrecognized_keys" ? `not a variable of ${kind}` : issue.message,
        messageZh:
          issue.code === "unrecognized_keys"
            ? "该消息不使用此变量"
            : known
              ? `${VARIABLES[name as VariableName].labelZh}：${zhMessage ?? "格式不正确"}`
              : (zhMessage ?? "格式不正确"),
      };
    });
    throw new ValidationError(`message event ${kind} has invalid values`, "消息变量不正确", { fields });
  }
  return { kind, values: parsed.data } as MessageEvent;
}
