/**
 * The local provider's pages: plain server-rendered HTML, Chinese first and English second, no
 * script. Users are named by name and what they are for; account ids stay in the form values.
 */
import { ROLE_DESCRIPTIONS, type Role } from "#core/access/index.ts";
import type { LocalAccount } from "./provider.ts";

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:720px;margin:0 auto;padding:16px;color:#1d2129}
h1{font-size:22px}h2{font-size:16px;margin:16px 0 8px}ul{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px}
button{font:inherit;cursor:pointer}.user{width:100%;display:flex;flex-direction:column;align-items:flex-start;gap:2px;padding:10px 12px;border:1px solid #86909c;border-radius:8px;background:#fff;text-align:left}
.user:focus-visible,.user:hover{outline:2px solid #1d4ed8}.muted{color:#4e5969}.alert{color:#b42318;font-weight:600}
input{font:inherit;font-size:20px;letter-spacing:4px;padding:8px;width:10em}.primary{padding:8px 20px;border:0;border-radius:6px;background:#1d4ed8;color:#fff}
.demo{margin-top:24px;padding:8px 12px;border:1px dashed #86909c;border-radius:6px;background:#f7f8fa}code{word-break:break-all}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function alert(message?: string): string {
  return message ? `<p role="alert" class="alert">${escapeHtml(message)}</p>` : "";
}

/** The user list: one submit button per user, grouped by first role. */
export function loginPage(action: string, accounts: readonly LocalAccount[], error?: string): string {
  const byRole = new Map<Role, LocalAccount[]>();
  for (const account of accounts) {
    const role = account.roles[0];
    if (role) byRole.set(role, [...(byRole.get(role) ?? []), account]);
  }
  const groups = [...byRole.entries()]
    .map(
      ([role, members], index) =>
        `<section aria-labelledby="role-${index}"><h2 id="role-${index}">${escapeHtml(ROLE_DESCRIPTIONS[role].nameZh)}</h2><ul>${members
          .map(
            (a) =>
              `<li><button type="submit" class="user" name="userId" value="${escapeHtml(a.userId)}"><strong>${escapeHtml(a.name)}</strong>${
                a.descriptionZh ? `<span class="muted">${escapeHtml(a.descriptionZh)}</span>` : ""
              }</button></li>`,
          )
          .join("")}</ul></section>`,
    )
    .join("");
  return page(
    "登录 Sign in — AidFlow",
    `<h1>临时救助 · 登录 <span lang="en">Sign in</span></h1>
<p class="muted">本地演示身份提供方：选择要登录的用户；工作人员还需输入动态验证码。 <span lang="en">Local demo identity provider: pick a user; staff then enter their authenticator code.</span></p>
${alert(error)}<form method="post" action="${escapeHtml(action)}">${groups}</form>`,
  );
}

/** What a local demo shows under the code field: the demo user's current code and secret. */
export interface DemoCode {
  code: string;
  secret: string;
}

/** The second step for staff: the TOTP code of their authenticator. */
export function mfaPage(action: string, name: string, error?: string, demo?: DemoCode): string {
  const hint = demo
    ? `<aside class="demo" aria-label="本地演示 Local demo"><p><strong>本地演示：</strong>此用户的身份验证器当前显示 <strong data-demo-code>${escapeHtml(demo.code)}</strong>（每 30 秒更新，刷新本页可看到新的）。也可将密钥 <code>${escapeHtml(demo.secret)}</code> 添加到验证器应用。</p><p lang="en">Local demo: this user's authenticator shows the code above now; or add the secret to an authenticator app.</p></aside>`
    : "";
  return page(
    "动态验证码 Authenticator code — AidFlow",
    `<h1>双重验证 <span lang="en">Two-step verification</span></h1>
<p>${escapeHtml(name)}，请输入身份验证器中显示的 6 位动态验证码。 <span lang="en">Enter the 6-digit code your authenticator app shows.</span></p>
${alert(error)}<form method="post" action="${escapeHtml(action)}">
<p><label for="code">动态验证码 <span lang="en">Code</span></label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus></p>
<p><button type="submit" class="primary">验证并登录 <span lang="en">Verify and sign in</span></button></p></form>${hint}`,
  );
}

export function messagePage(title: string, message: string, extra: string): string {
  return page(`${title} — AidFlow`, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${extra}`);
}
