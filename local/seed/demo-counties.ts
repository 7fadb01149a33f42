/**
 * The local demo's two counties as onboarding workbooks (./county-workbook.ts): 示例县 (230123, the
 * directory of ./demo-county.ts and the policy of ./policy-demo-county.ts; its staff are the bundled
 * demo users of ./users.ts, so its 用户 sheet is empty) and 示例二县, a second county of the same
 * province showing that counties are isolated from each other. 示例二县's code, 230191, is in a range
 * of 黑龙江省 (23) that no county uses: it can never be mistaken for a real county's. Its staff are
 * created by the import (phones 1390019xxxx, demo numbers), so the dev sign-in lists them as created
 * accounts. Quotas: DOMAIN §2.3, 1 yuan per registered resident.
 */

import type { CountySheets } from "./county-workbook.ts";
import { DEMO_COUNTY } from "./demo-county.ts";
import { demoCountyParameters2026, demoCountyPolicy } from "./policy-demo-county.ts";

const quotaOf = (registeredPopulation: number) => `${registeredPopulation}.00`;

const demoVersion = demoCountyPolicy.versions[0] as (typeof demoCountyPolicy.versions)[number];

export const DEMO_COUNTY_SHEETS: CountySheets = {
  countyId: DEMO_COUNTY.countyId,
  name: DEMO_COUNTY.name,
  townships: DEMO_COUNTY.townships.map((t) => ({
    ...t,
    // DOMAIN §2.1: 街道 are urban, 乡/镇 rural.
    area: t.name.endsWith("街道") ? "urban" : "rural",
  })),
  version: {
    versionId: demoVersion.versionId,
    effectiveFrom: demoVersion.effectiveFrom,
    basis: demoVersion.basis ?? "",
    parameters: demoCountyParameters2026,
  },
  users: [],
  quotas: DEMO_COUNTY.townships.map((t) => ({
    townshipId: t.townshipId,
    quotaYuan: quotaOf(t.registeredPopulation),
  })),
};

const SECOND = "230191";
const DONGSHAN = `${SECOND}100`;
const XIHE = `${SECOND}200`;

export const SECOND_DEMO_COUNTY_SHEETS: CountySheets = {
  countyId: SECOND,
  name: "示例二县",
  townships: [
    { townshipId: DONGSHAN, name: "东山镇", registeredPopulation: 36_000, area: "rural" },
    { townshipId: XIHE, name: "西河街道", registeredPopulation: 24_000, area: "urban" },
  ],
  version: {
    versionId: `${SECOND}-2026-01`,
    effectiveFrom: "2026-01-01T00:00:00+08:00",
    basis: "示例二县临时救助实施细则（演示数据）",
    // Its own numbers where counties differ: a lower 低保 standard and advance ceiling.
    parameters: {
      ...demoCountyParameters2026,
      dibaoMonthlyStandardUrbanYuan: "760",
      dibaoMonthlyStandardRuralYuan: "500",
      advanceCeilingYuan: "800",
      cashCeilingYuan: "800",
    },
  },
  users: [
    { name: "宋雨", phone: "13900191001", roleZh: "经办人", townshipId: DONGSHAN },
    { name: "韩冰", phone: "13900191002", roleZh: "经办人", townshipId: DONGSHAN },
    { name: "邱实", phone: "13900191003", roleZh: "审批人", townshipId: DONGSHAN },
    { name: "白露", phone: "13900191004", roleZh: "经办人", townshipId: XIHE },
    { name: "秦川", phone: "13900191005", roleZh: "审批人", townshipId: XIHE },
    { name: "于洁", phone: "13900191006", roleZh: "县民政" },
    { name: "贺年", phone: "13900191007", roleZh: "县财政/民政财务" },
    { name: "顾言", phone: "13900191008", roleZh: "县财政/民政财务" },
    { name: "蒋正", phone: "13900191009", roleZh: "审计/监督" },
    { name: "罗安", phone: "13900191010", roleZh: "县级管理员" },
  ],
  quotas: [
    { townshipId: DONGSHAN, quotaYuan: quotaOf(36_000) },
    { townshipId: XIHE, quotaYuan: quotaOf(24_000) },
  ],
};
