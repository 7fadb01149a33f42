/**
 * Text of the applicant's SMS on a case (`sms.*`): 掌上办's 短信通知 (stop / turn back on) and the staff
 * case page's 短信与消息 section. Chinese first; the server's Chinese words (statusZh, viaZh, the
 * unreachable notice) are shown as they come in zh-CN, and these English ones in English.
 */
export const smsContactZhCN = {
  title: "短信通知",
  phone: "接收手机",
  state: "状态",
  noPhone: "未登记手机号，办理进展仅在“消息”中通知",
  on: "已开启",
  off: "已退订",
  offSince: "{via}，{at}",
  onAgain: "{via}，{at}",
  stop: "停止短信通知",
  resume: "恢复短信通知",
  stopTitle: "停止短信通知",
  stopConfirm:
    "退订后，AidFlow 不再向 {phone} 发送任何短信，包括救助金发放、转账失败的通知。办理进展仍会在掌上办“消息”中显示。确定退订吗？",
  resumeTitle: "恢复短信通知",
  resumeConfirm: "恢复后，今后的办理进展将以短信发送至 {phone}。退订期间未发送的短信不会补发。确定恢复吗？",
  ok: "确定",
  cancel: "取消",
  stopped: "已退订短信通知",
  resumed: "已恢复短信通知",
  offHint: "已退订期间，所有通知仅在“消息”中显示。",
  // Staff: 短信与消息 on the case page.
  section: "短信与消息",
  empty: "暂无发给申请人的消息",
  when: "时间",
  what: "消息",
  text: "内容",
  sms: "短信",
  note: "申请人的意见（电话中所说）",
  notePlaceholder: "如：申请人来电表示不再接收短信",
  staffStop: "代为登记退订",
  staffResume: "代为恢复短信",
  staffStopConfirm:
    "将为申请人登记退订：今后不再向 {phone} 发送任何短信（包括发放通知），请电话告知其办理进展。确定吗？",
  staffResumeConfirm: "将为申请人恢复短信：今后的办理进展将以短信发送至 {phone}。确定吗？",
  noteRequired: "请填写申请人的意见（2–200 字）",
  forbidden: "当前角色无权查看申请人的消息",
  via: { "sms-reply": "短信回复退订", applicant: "本人在掌上办", township: "乡镇经办人代为登记（电话）" },
};

export const smsContactEn: typeof smsContactZhCN = {
  title: "SMS notifications",
  phone: "Phone",
  state: "Status",
  noPhone: "No phone number given: progress is shown under Messages only",
  on: "On",
  off: "Stopped",
  offSince: "{via}, {at}",
  onAgain: "{via}, {at}",
  stop: "Stop SMS",
  resume: "Turn SMS back on",
  stopTitle: "Stop SMS",
  stopConfirm:
    "AidFlow will send no more SMS to {phone}, not even about payments or failed transfers. Progress still shows under Messages. Stop SMS?",
  resumeTitle: "Turn SMS back on",
  resumeConfirm:
    "Progress from now on will be texted to {phone}. Texts not sent meanwhile are not sent later. Turn SMS back on?",
  ok: "OK",
  cancel: "Cancel",
  stopped: "SMS stopped",
  resumed: "SMS turned back on",
  offHint: "While SMS is stopped, every notice shows under Messages only.",
  section: "SMS and messages",
  empty: "No messages to the applicant yet",
  when: "When",
  what: "Message",
  text: "Text",
  sms: "SMS",
  note: "What the applicant said (on the phone)",
  notePlaceholder: "e.g. the applicant called to stop SMS",
  staffStop: "Record an opt-out",
  staffResume: "Turn SMS back on for them",
  staffStopConfirm:
    "No more SMS to {phone} (payments included); phone the applicant about progress. Continue?",
  staffResumeConfirm: "Progress from now on will be texted to {phone}. Continue?",
  noteRequired: "Give what the applicant said (2–200 characters)",
  forbidden: "Your role may not read the applicant's messages",
  via: {
    "sms-reply": "by an SMS reply",
    applicant: "by the applicant",
    township: "by the township (phone call)",
  },
};

/** An SMS status in English (the server words it in Chinese as `statusZh`). */
export function smsStatusEn(status: string, reason: string | null): string {
  switch (status) {
    case "queued":
    case "sending":
    case "pending":
      return "Sending";
    case "deferred":
      return reason === "quiet-hours"
        ? "Quiet hours: sent in the morning"
        : reason === "rate-limit"
          ? "Too many texts: sent later"
          : "Failed: will retry";
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "failed":
      return "Not delivered";
    case "suppressed":
      return reason === "opted-out"
        ? "SMS stopped: in-app only"
        : reason === "unreachable"
          ? "Unreachable by SMS: in-app only"
          : reason === "no-phone"
            ? "No phone: in-app only"
            : "No SMS for this message: in-app only";
    default:
      return status;
  }
}

export const smsContactMessages = {
  "zh-CN": { sms: smsContactZhCN },
  en: { sms: smsContactEn },
};
