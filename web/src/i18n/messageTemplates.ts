/** Text of the county's SMS templates page (`msgTpl.*`): the texts, signature, limits, 好差评 link. */
export const messageTemplatesZhCN = {
  nav: "短信模板",
  title: "短信模板",
  intro:
    "本县发给申请人和工作人员的每类消息的文字。站内消息总能收到；开通短信平台后，同样的文字以短信发出。花括号中的变量由系统按案件填写，不含证件号码、全名或完整账号。",
  signName: "短信签名",
  provider: "短信平台",
  noProvider: "未开通短信（仅站内消息）",
  providers: { aliyun: "阿里云短信", tencent: "腾讯云短信", aws: "AWS End User Messaging" },
  limits: "每条短信 {single} 字以内，最多 {segments} 条（合计 {max} 字，含签名，变量按最长计）",
  ratingUrl: "好差评链接",
  ratingUrlHint: "办结告知短信附带此链接（https，不超过 {max} 个字符）；不填则不发送办结告知。",
  audienceApplicant: "发给申请人",
  audienceStaff: "发给工作人员",
  own: "本县文字",
  default: "默认文字",
  variables: "可用变量",
  length: "最长 {chars} 字，约 {segments} 条短信",
  tooLong: "最长 {chars} 字，超过 {max} 字，请精简",
  reset: "恢复默认",
  save: "保存",
  saving: "正在保存…",
  saved: "已保存，此后发出的消息使用新文字",
  fixFields: "请按提示修改标红的内容",
  failed: "读取失败，请稍后重试",
  updated: "最近修改：{at}",
};

export const messageTemplatesEn: typeof messageTemplatesZhCN = {
  nav: "SMS templates",
  title: "SMS templates",
  intro:
    "The text of each message the county sends to applicants and staff. The inbox always gets it; with an SMS provider set up, the same text goes by SMS. The variables in braces are filled in from the case, never an ID number, a full name or a whole account.",
  signName: "SMS signature",
  provider: "SMS provider",
  noProvider: "No SMS (inbox only)",
  providers: { aliyun: "Alibaba Cloud SMS", tencent: "Tencent Cloud SMS", aws: "AWS End User Messaging" },
  limits:
    "{single} characters a segment, at most {segments} segments ({max} in all, signature included, each variable at its longest)",
  ratingUrl: "好差评 link",
  ratingUrlHint:
    "The case-closed message carries this link (https, at most {max} characters); without it no case-closed message is sent.",
  audienceApplicant: "To the applicant",
  audienceStaff: "To staff",
  own: "County's own",
  default: "Default",
  variables: "Variables",
  length: "At most {chars} characters, about {segments} SMS",
  tooLong: "At most {chars} characters: more than {max}, shorten it",
  reset: "Restore the default",
  save: "Save",
  saving: "Saving…",
  saved: "Saved: the messages sent from now on use the new texts",
  fixFields: "Fix the fields marked in red",
  failed: "Could not load; try again later",
  updated: "Last changed: {at}",
};

export const messageTemplatesMessages = {
  "zh-CN": { msgTpl: messageTemplatesZhCN },
  en: { msgTpl: messageTemplatesEn },
};
