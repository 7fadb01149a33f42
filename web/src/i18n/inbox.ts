/** Text of the inbox (`inbox.*`): 掌上办 消息 and the console's bell, Chinese first. */
export const inboxZhCN = {
  title: "消息",
  tab: "消息",
  bell: "消息通知",
  bellUnread: "消息通知，{n} 条未读",
  empty: "暂无消息",
  unread: "未读",
  openCase: "查看案件",
  more: "加载更多消息",
  allShown: "共 {n} 条消息，已全部显示",
  close: "关闭",
};

export const inboxEn: typeof inboxZhCN = {
  title: "Messages",
  tab: "Messages",
  bell: "Notifications",
  bellUnread: "Notifications, {n} unread",
  empty: "No messages yet",
  unread: "Unread",
  openCase: "Open the case",
  more: "Load more messages",
  allShown: "{n} messages, all shown",
  close: "Close",
};
