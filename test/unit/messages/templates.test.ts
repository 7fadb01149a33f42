/**
 * Messages to applicants and staff (issue 24, DOMAIN §8): every default text fits two SMS segments
 * with the signature for the longest township and the largest amount; no rendered message carries an
 * ID number, a full name or a whole account; a county's own text that breaks a rule is refused field
 * by field in both languages.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "#core/errors.ts";
import {
  AMOUNT_FEN_MAX,
  accountTail,
  amountText,
  DEFAULT_TEMPLATES,
  dateTimeText,
  FULL_ACCOUNT_PATTERN,
  ID_NUMBER_PATTERN,
  MESSAGE_EVENT_KINDS,
  MESSAGE_EVENTS,
  type MessageEvent,
  type MessageEventKind,
  MessageTooLongError,
  MOBILE_PATTERN,
  parseCountyTemplates,
  parseMessageEvent,
  renderMessage,
  SIGN_NAME_CHARS_MAX,
  SMS_CHARS_MAX,
  salutation,
  smsSegments,
  templateProblems,
  templatesFor,
  VARIABLES,
  type VariableName,
  worstCaseChars,
} from "#core/messages/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { POLICY_BOUNDS } from "#core/policy/bounds.ts";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";

const APPLICANT = { name: "欧阳娜娜", idNumber: "230102199001011234", account: "6222021234567890123" };
/** A signature as long as providers accept. */
const LONGEST_SIGN = "黑龙江省示例县民政局救助科".slice(0, SIGN_NAME_CHARS_MAX);
const LONGEST_SEEDED_TOWNSHIP = [...DEMO_COUNTY.townships].sort((a, b) => b.name.length - a.name.length)[0]!
  .name;
/** A township name as long as a message budgets for. */
const LONGEST_TOWNSHIP = "鄂温克族苏木莫力达瓦达斡尔".slice(0, VARIABLES.township.charsMax);

/** Values for every variable, each as long as it may be. */
function longestValues(township: string): Record<VariableName, string | number> {
  return {
    salutation: salutation(APPLICANT.name, "female"),
    caseNumber: "C20261231-0a1b2c3d4e",
    township,
    amount: AMOUNT_FEN_MAX,
    bank: "黑龙江省农村信用社联合社".slice(0, VARIABLES.bank.charsMax),
    accountTail: accountTail(APPLICANT.account),
    decideBy: "2026-12-31",
    dueDate: "2026-12-31",
    noticeFrom: "2026-12-24",
    noticeTo: "2026-12-31",
    deadline: "2026-12-31T23:59:00+08:00",
    reason: "经核实家庭经济状况不符合临时救助条件，可申请其他".slice(0, VARIABLES.reason.charsMax),
    items: "医疗费用发票、住院病历、家庭成员收入证明材料".slice(0, VARIABLES.items.charsMax),
    outcome: "追加临时救助并转介低保、医疗救助".slice(0, VARIABLES.outcome.charsMax),
    stage: 12,
    stages: 12,
    task: "分阶段救助复核审批".slice(0, VARIABLES.task.charsMax),
    ratingUrl: "https://hcp.example.gov.cn/r/2",
  };
}

function eventOf(kind: MessageEventKind, all: Record<VariableName, string | number>): MessageEvent {
  const values = Object.fromEntries(MESSAGE_EVENTS[kind].variables.map((name) => [name, all[name]]));
  return parseMessageEvent({ kind, values });
}

describe("SMS length as providers count it", () => {
  it("70 characters are one segment, 71 are two of 67, 134 still two, 135 three", () => {
    expect([smsSegments(70), smsSegments(71), smsSegments(134), smsSegments(135)]).toEqual([1, 2, 2, 3]);
    expect(SMS_CHARS_MAX).toBe(134);
  });
});

describe("every default template fits two segments", () => {
  it("the largest amount a message takes covers every ceiling the policy can set", () => {
    const largest = Yuan.fromFen(AMOUNT_FEN_MAX);
    expect(largest.greaterThanOrEqual(Yuan.parse(POLICY_BOUNDS.advanceCeilingYuan.max))).toBe(true);
    expect(largest.greaterThanOrEqual(Yuan.parse(POLICY_BOUNDS.townshipApprovalCeilingYuan.max))).toBe(true);
    const dibao = Yuan.parse(demoCountyParameters2026.dibaoMonthlyStandardUrbanYuan);
    expect(largest.greaterThanOrEqual(dibao.times(POLICY_BOUNDS.perCaseCapDibaoMonths.max))).toBe(true);
    expect(amountText(AMOUNT_FEN_MAX)).toBe("9,999,999.99");
    expect([...amountText(AMOUNT_FEN_MAX)].length).toBeLessThanOrEqual(VARIABLES.amount.charsMax);
  });

  it.each(MESSAGE_EVENT_KINDS)("%s: worst case with the longest signature is within 2 segments", (kind) => {
    expect(templateProblems(kind, DEFAULT_TEMPLATES[kind])).toEqual([]);
    expect(worstCaseChars(kind, DEFAULT_TEMPLATES[kind])).toBeLessThanOrEqual(SMS_CHARS_MAX);
  });

  it.each([LONGEST_SEEDED_TOWNSHIP, LONGEST_TOWNSHIP])(
    "rendered for township %s and the largest amount, every message is at most 2 segments",
    (township) => {
      const values = longestValues(township);
      for (const kind of MESSAGE_EVENT_KINDS) {
        const message = renderMessage(eventOf(kind, values), {
          templates: DEFAULT_TEMPLATES,
          signName: LONGEST_SIGN,
        });
        expect(message.segments, `${kind}: ${message.signedText}`).toBeLessThanOrEqual(2);
        expect(message.signedText.startsWith(`【${LONGEST_SIGN}】`)).toBe(true);
        expect(message.text).not.toMatch(/[{}]/);
      }
    },
  );

  it("a money-sent text reads as the applicant expects: yuan, account tail, bank, Chinese dates", () => {
    const money = renderMessage(
      {
        kind: "money-sent",
        values: { salutation: "欧阳女士", amount: 80_050, bank: "中国农业银行", accountTail: "0123" },
      },
      { templates: DEFAULT_TEMPLATES, signName: "示例县民政局" },
    );
    expect(money.signedText).toBe(
      "【示例县民政局】欧阳女士，救助金800.50元已转入您尾号0123的中国农业银行账户，请注意查收。",
    );
    expect(money.paramOrder).toEqual(["salutation", "amount", "accountTail", "bank"]);
    expect(money.params).toEqual({
      salutation: "欧阳女士",
      amount: "800.50",
      accountTail: "0123",
      bank: "中国农业银行",
    });
    expect(money.segments).toBe(1);
    const received = renderMessage(
      eventOf("application-received", { ...longestValues("城关镇"), decideBy: "2026-12-06" }),
      { templates: DEFAULT_TEMPLATES, signName: "示例县民政局" },
    );
    expect(received.text).toContain("城关镇将于12月6日前告知审核结果");
    expect(dateTimeText("2026-12-06T07:00:00Z")).toBe("12月6日15:00");
  });

  it("the paperwork reminder names its due date, not 明天: one working day before a Monday is a Friday", () => {
    const reminder = renderMessage(
      eventOf("paperwork-reminder", {
        ...longestValues("城关镇"),
        dueDate: "2026-12-07",
      }),
      { templates: DEFAULT_TEMPLATES, signName: "示例县民政局" },
    );
    expect(reminder.text).toContain("12月7日是补齐材料的最后一天");
    expect(reminder.text).not.toMatch(/明天|今天|后天/);
  });
});

describe("no personal data beyond what the message needs", () => {
  it("a scan over every rendered message finds no ID number, full name, phone or whole account", () => {
    const renders = [LONGEST_SEEDED_TOWNSHIP, LONGEST_TOWNSHIP].flatMap((township) =>
      MESSAGE_EVENT_KINDS.map(
        (kind) =>
          renderMessage(eventOf(kind, longestValues(township)), {
            templates: DEFAULT_TEMPLATES,
            signName: "示例县民政局",
          }).signedText,
      ),
    );
    expect(renders).toHaveLength(2 * MESSAGE_EVENT_KINDS.length);
    for (const text of renders) {
      expect(text).not.toMatch(ID_NUMBER_PATTERN);
      expect(text).not.toMatch(FULL_ACCOUNT_PATTERN);
      expect(text).not.toMatch(MOBILE_PATTERN);
      expect(text).not.toContain(APPLICANT.name);
      expect(text).not.toContain(APPLICANT.idNumber);
      expect(text).not.toContain(APPLICANT.account);
    }
  });

  it("a salutation is a surname with 先生/女士 or a masked name, never the full name", () => {
    expect(salutation("张三", "male")).toBe("张先生");
    expect(salutation("欧阳娜娜", "female")).toBe("欧阳女士");
    expect(salutation("王小明")).toBe("王**");
    expect(salutation("李")).toBe("李*");
    expect(salutation("JOHN SMITH", "male")).toBe("J***");
    expect(accountTail("6222 0212 3456 7890")).toBe("7890");
  });

  it.each([
    ["a full name", "salutation", APPLICANT.name],
    ["an ID number as the reason", "reason", `身份证${APPLICANT.idNumber}`],
    ["a phone number in the items", "items", "请致电13812345678"],
    ["a whole account as the tail", "accountTail", APPLICANT.account],
    ["an amount in floating yuan", "amount", 800.5],
  ] as const)("an event carrying %s is refused before any template sees it", (_what, name, value) => {
    const kind = (MESSAGE_EVENT_KINDS as MessageEventKind[]).find((k) =>
      (MESSAGE_EVENTS[k].variables as readonly string[]).includes(name),
    )!;
    const values = {
      ...Object.fromEntries(MESSAGE_EVENTS[kind].variables.map((n) => [n, longestValues("城关镇")[n]])),
    };
    values[name] = value;
    const error = catchError(() => parseMessageEvent({ kind, values }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toContain(`values.${name}`);
  });

  it("a variable the event does not carry is refused (a message gets only what it needs)", () => {
    const error = catchError(() =>
      parseMessageEvent({
        kind: "withdrawal-confirmed",
        values: { salutation: "张先生", caseNumber: "C20261206-0a1b2c3d4e", name: "张三" },
      }),
    ) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields[0]).toMatchObject({ messageZh: "该消息不使用此变量" });
  });

  it("a value longer than its budget that would overflow two segments is refused, not cut", () => {
    const longTemplate = `${"很".repeat(100)}{salutation}`;
    expect(() =>
      renderMessage(
        {
          kind: "withdrawal-confirmed",
          values: { salutation: "张先生", caseNumber: "C20261206-0a1b2c3d4e" },
        },
        {
          templates: { ...DEFAULT_TEMPLATES, "withdrawal-confirmed": `${longTemplate}${"长".repeat(30)}` },
          signName: "示例县民政局",
        },
      ),
    ).toThrow(MessageTooLongError);
  });
});

describe("a county's own texts", () => {
  it("Compliance: a shorter text of the county's replaces the default for that event only", () => {
    const county = parseCountyTemplates(
      {
        templates: { "money-sent": "{salutation}，{amount}元救助金已发放至尾号{accountTail}的{bank}账户。" },
      },
      "示例县民政局",
    );
    const templates = templatesFor(county);
    expect(templates["money-sent"]).toContain("已发放至");
    expect(templates["case-closed"]).toBe(DEFAULT_TEMPLATES["case-closed"]);
  });

  it.each([
    [
      "a variable the event does not provide (an ID number)",
      "money-sent",
      "{salutation}，身份证{idNumber}，{amount}元已发放。",
      "idNumber",
    ],
    ["a full-name variable", "case-closed", "{name}，您的案件{caseNumber}已办结。", "name"],
    [
      "a signature bracket",
      "withdrawal-confirmed",
      "【民政局】{salutation}，您已撤回申请{caseNumber}。",
      "签名",
    ],
    [
      "an unbalanced placeholder",
      "withdrawal-confirmed",
      "{salutation，您已撤回申请{caseNumber}。",
      "{变量名}",
    ],
    [
      "a mobile number",
      "withdrawal-confirmed",
      "{salutation}，您已撤回申请{caseNumber}，咨询13812345678。",
      "手机号",
    ],
    [
      "more than two segments",
      "transfer-failed",
      `{salutation}，{amount}元转入尾号{accountTail}的{bank}账户未成功，请到{township}${"社会救助窗口办理".repeat(10)}。`,
      "超过 2 条短信",
    ],
  ] as const)(
    "Noncompliance: %s is refused with a field error in both languages",
    (_what, kind, text, zhHint) => {
      const error = catchError(() =>
        parseCountyTemplates({ templates: { [kind]: text } }, "示例县民政局"),
      ) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.statusCode).toBe(400);
      const field = error.fields.find((f) => f.path === `templates.${kind}`);
      expect(field, JSON.stringify(error.fields)).toBeDefined();
      expect(field!.message.length).toBeGreaterThan(0);
      expect(field!.messageZh).toContain(zhHint);
    },
  );

  it("Noncompliance: an unknown event is named by its field, and nothing of the set is kept", () => {
    const error = catchError(() =>
      parseCountyTemplates({
        templates: { "money-sent": "{salutation}，{amount}元已到账。", "lottery-won": "恭喜" },
      }),
    ) as ValidationError;
    expect(error.fields).toEqual([
      expect.objectContaining({ path: "templates.lottery-won", messageZh: "不是可配置的消息事件" }),
    ]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
