/**
 * The audit trail in words (DOMAIN §1 who / when / what / why): actions, the server's reasons and
 * the before → after of each change are turned into text a zh-CN reader can read — labels instead
 * of codes, Beijing time instead of ISO instants, yuan, names instead of user ids. What has no
 * wording yet stays available to the auditor as the raw record (`rawChange`), shown on request.
 */
import { calendarDate, dateTime, yuan } from "../format.ts";
import { catalogueLabel } from "../labels.ts";

export type Locale = "zh-CN" | "en";
type Names = ReadonlyMap<string, string>;

const ACTIONS: Record<string, [zh: string, en: string]> = {
  "case.file": ["提交申请", "Filed"],
  "case.fileOnBehalf": ["代为申请", "Filed on behalf"],
  "case.read": ["查阅案件", "Read the case"],
  "case.readOwn": ["查阅本人申请", "Read own case"],
  "case.withdraw": ["撤回申请", "Withdrawn"],
  "case.rate": ["服务评价（好差评）", "Service rated"],
  "sms.optOut": ["退订短信", "SMS opted out"],
  "sms.optIn": ["恢复短信", "SMS turned back on"],
  "messageTemplate.administer": ["管理短信模板", "Message templates administered"],
  "alert.receive": ["接收预警信息", "Early warning received"],
  "alert.import": ["导入预警信息", "Early warnings imported"],
  "alert.read": ["查阅预警信息", "Early warning read"],
  "alert.visit": ["预警核查走访", "Early warning visit"],
  "alert.file": ["依预警代为申请", "Filed on behalf from an early warning"],
  "alert.escalate": ["预警核查逾期上报县级", "Early warning overdue, escalated to the county"],
  "messageSettings.update": ["修改短信模板", "Message templates changed"],
  "case.addDocument": ["上传材料", "Document added"],
  "case.close": ["办结", "Closed"],
  "advance.decide": ["先行救助审批", "Advance decision"],
  "paperwork.record": ["补齐手续", "Paperwork"],
  "paperwork.coSign": ["确认补齐手续", "Paperwork confirmed"],
  "investigation.record": ["入户调查", "Investigation"],
  "notice.objection.record": ["登记公示异议", "Objection recorded"],
  "followUp.propose": ["跟进救助", "Follow-up"],
  "referral.record": ["转介", "Referral"],
  "recovery.record": ["追回入账", "Recovery received"],
  "amount.approveWithinCeiling": ["金额审批（乡镇权限内）", "Amount decision (township)"],
  "amount.approveAboveCeiling": ["金额审批（县级）", "Amount decision (county)"],
  "case.escalation.decide": ["县级审批（超时上报）", "County decision (escalated)"],
  "case.coordination.decide": ["一事一议", "Case-by-case review"],
  "plan.assess": ["调查评估", "Assessment"],
  "plan.approve": ["救助计划审批", "Plan approval"],
  "stage.recheck": ["阶段复核", "Stage re-check"],
  "payment.reroute": ["重新发放", "Payment re-routed"],
  "payment.cash": ["现金发放", "Cash payment"],
  "fund.read": ["查阅备用金", "Read the fund"],
  "fund.allocate": ["拨付备用金", "Fund allocated"],
  "fund.replenish.propose": ["提出补足", "Top-up proposed"],
  "fund.replenish.execute": ["执行补足", "Top-up executed"],
  "reconciliation.run": ["对账", "Reconciliation"],
  "reconciliation.close": ["签字结账", "Period closed"],
  "export.run": ["导出", "Export"],
  "audit.read": ["查阅审计记录", "Read the audit trail"],
  "person.view": ["查阅个人信息", "Viewed personal data"],
  "case.redrive": ["重新启动办理", "Processing restarted"],
  "plan.start": ["开始分阶段救助", "Staged plan started"],
  "plan.commit": ["救助计划占用备用金", "Plan committed to the fund"],
  "plan.suspicion.raise": ["提出疑点核查", "Suspicion raised"],
  "fund.allocate.extra": ["追加拨付备用金", "Extra allocation"],
  "satisfaction.read": ["查阅服务评价", "Read the satisfaction figures"],
  "rollup.read": ["查阅全省汇总", "Read the province roll-up"],
  "county.create": ["新建县（市、区）", "County created"],
  "county.import": ["导入县表格", "County spreadsheet imported"],
  "county.administer": ["管理县级设置", "County administered"],
  "township.administer": ["管理乡镇", "Townships administered"],
  "township.add": ["新增乡镇", "Township added"],
  "township.edit": ["修改乡镇信息", "Township edited"],
  "township.fundQuota.set": ["设置备用金定额", "Fund quota set"],
  "policy.propose": ["提出政策版本", "Policy version proposed"],
  "policy.revise": ["修改政策版本", "Policy version revised"],
  "policy.approve": ["批准政策版本", "Policy version approved"],
  "calendar.national.load": ["载入全国节假日安排", "National holidays loaded"],
  "calendar.local.write": ["设置本地节假日", "Local holidays set"],
  "user.list": ["查阅用户", "Read the users"],
  "user.create": ["新建用户", "User created"],
  "user.disable": ["停用用户", "User disabled"],
  "message.read": ["查阅消息", "Read the messages"],
  "incident.declare": ["宣布灾情", "Incident declared"],
  "incident.end": ["结束灾情", "Incident ended"],
  "incident.read": ["查阅灾情", "Read the incident"],
  "registrationNotice.read": ["查阅外地受助通报", "Read the notices about residents aided elsewhere"],
};

const SCOPES: Record<string, [zh: string, en: string]> = {
  "own-county": ["本县", "own county"],
  "own-township": ["本乡镇", "own township"],
  "own-case": ["本人申请", "own case"],
};

const FIELDS: Record<string, [zh: string, en: string]> = {
  status: ["状态", "Status"],
  cause: ["原因", "Cause"],
  kind: ["类型", "Kind"],
  fileName: ["文件名", "File name"],
  contentType: ["文件格式", "File type"],
  sizeBytes: ["大小", "Size"],
  decision: ["审批意见", "Decision"],
  amountYuan: ["金额", "Amount"],
  reason: ["理由", "Reason"],
  policyVersionId: ["政策版本", "Policy version"],
  route: ["查阅内容", "Read"],
  investigators: ["调查人员", "Investigators"],
  visitedAt: ["入户时间", "Visited at"],
  decidedBy: ["审批人", "Decided by"],
  decidedAt: ["审批时间", "Decided at"],
  period: ["期间", "Period"],
  explanation: ["说明", "Explanation"],
};

/** Which label group names the values of a field. */
const VALUE_GROUPS: Record<string, string> = {
  status: "status",
  cause: "cause",
  kind: "documentKind",
  decision: "decision",
};

const pick = (pair: [string, string], locale: Locale) => (locale === "en" ? pair[1] : pair[0]);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What an audit action is called (`advance.decide` → 先行救助审批). */
export function auditAction(action: string, locale: Locale): string {
  const pair = ACTIONS[action];
  return pair ? pick(pair, locale) : locale === "en" ? action : "其他操作";
}

function roleName(role: string, locale: Locale): string {
  return catalogueLabel("role", role, locale) ?? role;
}

/** The flows' own steps act as `system:<flow>`: shown as the system, never as that id. */
const SYSTEM_ACTORS: Record<string, Record<Locale, string>> = {
  "system:flow-a": { "zh-CN": "系统（先行救助流程）", en: "System (Flow A)" },
  "system:flow-b": { "zh-CN": "系统（分阶段救助流程）", en: "System (Flow B)" },
};

/** Who acted, as a reader sees it: a person's name, or the system for the flows' own steps. */
export function auditActor(actorId: string | undefined, name: string | undefined, locale: Locale) {
  const system = SYSTEM_ACTORS[actorId ?? ""] ?? SYSTEM_ACTORS[name ?? ""];
  if (system) return system[locale];
  if (actorId?.startsWith("system:") || name?.startsWith("system:"))
    return locale === "en" ? "System" : "系统";
  return name;
}

/** The server's reasons (functions/…: audit `reason`) and their Chinese wording. */
const REASONS: Array<[RegExp, (m: string[], names: Names) => string]> = [
  [/^application$/, () => "本人申请"],
  [/^reconciled clean$/, () => "账实相符"],
  [/^applicant opted out in 掌上办$/, () => "本人在掌上办退订短信"],
  [/^applicant turned SMS back on in 掌上办$/, () => "本人在掌上办恢复短信"],
  [/^county message settings updated$/, () => "修改本县短信模板和好差评链接"],
  [
    /^on behalf: (.+)$/,
    (m) => `代为申请：${catalogueLabel("onBehalf", m[1] ?? "", "zh-CN") ?? "经办人代为申请"}`,
  ],
  [
    /^document requested: (.+)$/,
    (m) => `申请上传材料：${catalogueLabel("documentKind", m[1] ?? "", "zh-CN") ?? "材料"}`,
  ],
  [
    /^(\S+) granted to (\S+) \((\S+)\)$/,
    ([, action = "", role = "", scope = ""]) => {
      const where = SCOPES[scope] ? `（${pick(SCOPES[scope], "zh-CN")}）` : "";
      return `${roleName(role, "zh-CN")}依职责${auditAction(action, "zh-CN")}${where}`;
    },
  ],
  [/^quota (\S+) − closing balance (\S+)$/, (m) => `定额 ${yuan(m[1])} − 期末余额 ${yuan(m[2])}`],
  [/^proposed by (\S+)$/, (m, names) => `由${names.get(m[1] ?? "") ?? "另一名财务人员"}提出`],
  [/^paperwork co-signature refused: (.*)$/s, (m) => `补齐手续被退回：${m[1] ?? ""}`],
  ...fixedReasons({
    "advance approved": "同意先行救助",
    "advance rejected": "不同意先行救助",
    "staged plan approved": "同意分阶段救助方案",
    "staged plan rejected": "不同意分阶段救助方案",
    "follow-up decided": "确定跟进救助措施",
    "money recovered": "追回款项",
    "payment re-routed": "救助款改由其他账户发放",
    "paid in cash": "现金发放",
    "household assessed": "已完成家庭情况评估",
    "Flow A finished": "先行救助流程办结",
    "fund replenished; payment retried": "备用金已补足，重新发放",
    "fund replenished; commitment retried": "备用金已补足，重新承诺资金",
    "fund topped up; commitment made": "备用金已补足，已承诺资金",
    "approved plan committed against the township fund": "已批准方案的资金已在乡镇备用金中承诺",
    "handed over from Flow A's follow-up": "由先行救助的跟进救助转入",
    "filed for staged assistance": "申请分阶段救助",
    "paperwork recorded; awaiting the other investigators' confirmation":
      "已登记补齐手续，等待其他调查人员确认",
    "paperwork co-signed": "调查人员已确认补齐手续",
    "paperwork co-signed; paperwork completed": "调查人员已确认，手续已补齐",
    "paperwork co-signed; completed after the deadline": "调查人员已确认，手续逾期补齐",
  }),
];

/** Reasons the flows write word for word (functions/services: audit `why`). */
function fixedReasons(words: Record<string, string>): Array<[RegExp, () => string]> {
  return Object.entries(words).map(([english, zh]) => [
    new RegExp(`^${english.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
    () => zh,
  ]);
}

/** The server's reason in the reader's language; a reason typed by staff is shown as typed. */
export function auditReason(reason: string | undefined, locale: Locale, names: Names = new Map()): string {
  if (!reason) return "";
  if (locale === "en") return reason;
  for (const [pattern, wording] of REASONS) {
    const match = pattern.exec(reason);
    if (match) return wording([...match], names);
  }
  return reason;
}

/** A policy version `<county>-<year>-<n>` read as its year and number, never as the code. */
function policyVersionText(value: string, locale: Locale): string | undefined {
  const match = /^\d{6}-(\d{4})-(\d{1,3})$/.exec(value);
  if (!match) return undefined;
  const [, year, n] = match;
  return locale === "en" ? `${year}, version ${Number(n)}` : `${year}年第${Number(n)}版`;
}

function valueText(field: string, value: unknown, locale: Locale, names: Names): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "string" && field === "policyVersionId") return policyVersionText(value, locale);
  if (typeof value === "string") {
    const group = VALUE_GROUPS[field];
    if (group) return catalogueLabel(group, value, locale);
    if (/Yuan$/.test(field)) return yuan(value);
    if (ISO_INSTANT.test(value)) return dateTime(value, locale);
    if (CALENDAR_DATE.test(value)) return calendarDate(value, locale);
    if (names.has(value)) return names.get(value);
    if (field === "route") return undefined;
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const parts = value.map((v) =>
      v && typeof v === "object" && "userId" in v
        ? names.get(String((v as { userId: unknown }).userId))
        : valueText(field, v, locale, names),
    );
    return parts.every((p) => p !== undefined) ? parts.join("、") : undefined;
  }
  return undefined;
}

/**
 * `状态：待先行救助审批；原因：火灾` from a change's `after` (or `before`): the fields that have a
 * wording; `rest` counts those left to the raw record.
 */
export function auditChange(
  change: unknown,
  locale: Locale,
  names: Names = new Map(),
): { text: string; rest: number } {
  if (!change || typeof change !== "object" || Array.isArray(change)) return { text: "", rest: 0 };
  const parts: string[] = [];
  let rest = 0;
  for (const [field, value] of Object.entries(change as Record<string, unknown>)) {
    const name = FIELDS[field];
    const text = name ? valueText(field, value, locale, names) : undefined;
    if (name && text !== undefined) parts.push(`${pick(name, locale)}：${text}`);
    else rest += 1;
  }
  return { text: parts.join(locale === "en" ? "; " : "；"), rest };
}

/** The record as stored, for the auditor who asks for it. */
export function rawChange(before: unknown, after: unknown): string {
  return JSON.stringify({ before, after }, null, 2);
}
