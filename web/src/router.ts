/**
 * One app, three consoles. Each console is a lazily loaded chunk, so the phone page never downloads
 * Element Plus and the consoles never download Vant. A route names the roles that may open it; the
 * API authorizes every call anyway — this only keeps people on the pages meant for them.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { resumeSession } from "./api/auth.ts";
import { hasRole, landingPath, type Role, session } from "./session.ts";

declare module "vue-router" {
  interface RouteMeta {
    roles?: Role[];
  }
}

const staff: Role[] = ["township-officer", "township-approver"];
const county: Role[] = ["county-civil-affairs", "auditor"];

const routes: RouteRecordRaw[] = [
  { path: "/", name: "sign-in", component: () => import("./pages/SignIn.vue") },
  { path: "/auth/callback", name: "auth-callback", component: () => import("./pages/AuthCallback.vue") },
  {
    path: "/m",
    component: () => import("./pages/applicant/MobileShell.vue"),
    meta: { roles: ["applicant"] },
    children: [
      { path: "", name: "my-cases", component: () => import("./pages/applicant/MyCases.vue") },
      { path: "apply", name: "apply", component: () => import("./pages/applicant/ApplyWizard.vue") },
      { path: "messages", name: "messages", component: () => import("./pages/applicant/InboxPage.vue") },
      {
        path: "cases/:caseId",
        name: "my-case",
        component: () => import("./pages/applicant/MyCase.vue"),
        props: true,
      },
    ],
  },
  {
    path: "/township",
    component: () => import("./pages/ConsoleShell.vue"),
    meta: { roles: staff },
    children: [
      { path: "", name: "work-queue", component: () => import("./pages/township/WorkQueue.vue") },
      { path: "file", name: "file-on-behalf", component: () => import("./pages/township/FileOnBehalf.vue") },
      { path: "alerts", name: "township-alerts", component: () => import("./pages/township/AlertInbox.vue") },
      {
        path: "incidents",
        name: "township-incidents",
        component: () => import("./pages/township/IncidentApproval.vue"),
      },
      {
        path: "incidents/register",
        name: "township-incident-register",
        component: () => import("./pages/township/IncidentRegistration.vue"),
        meta: { roles: ["township-officer"] },
      },
      {
        path: "cases/:caseId",
        name: "township-case",
        component: () => import("./pages/township/CaseDetail.vue"),
        props: true,
      },
    ],
  },
  {
    path: "/county",
    component: () => import("./pages/ConsoleShell.vue"),
    meta: { roles: county },
    children: [
      { path: "", name: "county-queue", component: () => import("./pages/county/CountyQueue.vue") },
      {
        path: "cases/:caseId",
        name: "county-case",
        component: () => import("./pages/township/CaseDetail.vue"),
        props: true,
      },
      { path: "funds", name: "county-funds", component: () => import("./pages/finance/FundsOverview.vue") },
      {
        path: "incidents",
        name: "county-incidents",
        component: () => import("./pages/county/IncidentsPage.vue"),
      },
      {
        path: "incidents/:incidentId",
        name: "county-incident",
        component: () => import("./pages/county/IncidentDashboard.vue"),
        props: true,
      },
      {
        path: "satisfaction",
        name: "county-satisfaction",
        component: () => import("./pages/county/SatisfactionPage.vue"),
      },
      {
        path: "registration-notices",
        name: "county-registration-notices",
        component: () => import("./pages/county/RegistrationNoticesPage.vue"),
      },
    ],
  },
  {
    path: "/finance",
    component: () => import("./pages/ConsoleShell.vue"),
    meta: { roles: ["county-finance"] },
    children: [
      { path: "", name: "funds", component: () => import("./pages/finance/FundsOverview.vue") },
      {
        path: "reconciliation",
        name: "reconciliation",
        component: () => import("./pages/finance/ReconciliationPage.vue"),
      },
      {
        path: "replenishment",
        name: "replenishment",
        component: () => import("./pages/finance/ReplenishmentPage.vue"),
      },
      { path: "waiting", name: "fund-waits", component: () => import("./pages/finance/FundWaitsPage.vue") },
      {
        path: "incidents",
        name: "finance-incidents",
        component: () => import("./pages/county/IncidentsPage.vue"),
      },
      {
        path: "incidents/:incidentId",
        name: "finance-incident",
        component: () => import("./pages/county/IncidentDashboard.vue"),
        props: true,
      },
    ],
  },
  {
    path: "/province",
    component: () => import("./pages/ConsoleShell.vue"),
    meta: { roles: ["province-viewer", "province-admin"] },
    children: [
      { path: "", name: "province-rollup", component: () => import("./pages/province/RollupPage.vue") },
    ],
  },
  {
    path: "/admin",
    component: () => import("./pages/ConsoleShell.vue"),
    meta: { roles: ["county-admin", "province-admin"] },
    children: [
      { path: "", name: "admin-users", component: () => import("./pages/admin/UsersPage.vue") },
      { path: "policy", name: "admin-policy", component: () => import("./pages/admin/PolicyPage.vue") },
      { path: "calendar", name: "admin-calendar", component: () => import("./pages/admin/CalendarPage.vue") },
      {
        path: "townships",
        name: "admin-townships",
        component: () => import("./pages/admin/TownshipsPage.vue"),
      },
      {
        path: "messages",
        name: "admin-messages",
        component: () => import("./pages/admin/MessageTemplatesPage.vue"),
      },
      // The province administrator's (the API refuses the import to a county administrator).
      {
        path: "import",
        name: "admin-import",
        component: () => import("./pages/admin/ImportPage.vue"),
        meta: { roles: ["province-admin"] },
      },
    ],
  },
  { path: "/:pathMatch(.*)*", redirect: "/" },
];

export const router = createRouter({ history: createWebHistory(), routes });

// A reload keeps the tab's session: the token is renewed before it expires, and an expired one
// before the first page asks the API with it.
const resumed = session.user ? resumeSession().catch(() => undefined) : Promise.resolve();

router.beforeEach(async (to) => {
  await resumed;
  // Every matched record that names roles must admit the user: a child page may narrow its console's roles.
  const guarded = to.matched.filter((r) => (r.meta.roles ?? []).length > 0);
  if (guarded.length === 0) return true;
  if (!session.user) return { name: "sign-in", query: { next: to.fullPath } };
  if (!guarded.every((r) => hasRole(...(r.meta.roles ?? [])))) return landingPath(session.user);
  return true;
});
