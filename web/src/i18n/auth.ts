/** Text of the sign-in and callback pages (`auth.*`), Chinese first. */
export const authZhCN = {
  intro: "请登录后办理临时救助业务。工作人员登录时还需输入身份验证器中的动态验证码。",
  signIn: "登录",
  signInStaff: "工作人员登录",
  signInApplicant: "申请人登录",
  redirecting: "正在前往登录页…",
  finishing: "正在完成登录…",
  failed: "登录未完成，请重新登录。",
  again: "重新登录",
  unavailable: "登录服务暂时无法使用，请稍后再试。",
};

export const authEn: typeof authZhCN = {
  intro: "Sign in to work on temporary assistance. Staff also enter the code of their authenticator app.",
  signIn: "Sign in",
  signInStaff: "Staff sign-in",
  signInApplicant: "Applicant sign-in",
  redirecting: "Going to the sign-in page…",
  finishing: "Completing the sign-in…",
  failed: "The sign-in did not complete; please sign in again.",
  again: "Sign in again",
  unavailable: "Sign-in is unavailable right now; please try again later.",
};
