/**
 * Filing bodies for the query tests: distinct people (valid GB 11643 resident IDs, their own bank
 * accounts) at a township of the demo county, with a chosen hardship cause.
 */
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, key } from "#test/integration/flow-a/world.ts";

const NAMES = ["王建国", "李秀英", "张丽", "刘强", "陈明", "杨帆", "赵磊", "黄敏", "周杰", "吴芳"];

export interface Person {
  name: string;
  idNumber: string;
  phone: string;
  account: string;
}

/** The n-th test person (n ≥ 1): a valid resident ID of the demo county, a phone and an account. */
export function person(n: number): Person {
  const first17 = `230123${1970 + n}0101${String(100 + n).padStart(3, "0")}`;
  return {
    name: NAMES[(n - 1) % NAMES.length] as string,
    idNumber: `${first17}${residentIdCheckCharacter(first17)}`,
    phone: `139${String(10_000_000 + n * 7_919).slice(-8)}`,
    account: `62284800${String(10_000_000 + n * 1_237).slice(-8)}`,
  };
}

export function filingFor(
  townshipId: string,
  who: Person,
  cause: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    townshipId,
    hardship: { cause },
    description: `测试案情：${cause}，家庭生活陷入困境，急需救助`,
    requestedAmountYuan: "800.00",
    applicant: {
      name: who.name,
      document: { type: "resident-id", number: who.idNumber },
      phone: who.phone,
      registration: { countyCode: "230123" },
      residence: { address: "黑龙江省哈尔滨市示例县城关镇幸福路 8 号" },
    },
    bankAccount: { holderName: who.name, bankName: "农村信用社", account: who.account },
    ...extra,
  };
}

/** Files and waits until the advance decision is open (so the case has its deadline). */
export async function fileCase(
  world: FlowAWorld,
  filer: ApiClient,
  body: Record<string, unknown>,
): Promise<string> {
  const filed = await filer.post<{ caseId: string }>("/cases", body, key("file"));
  if (filed.status !== 201) throw new Error(`filing failed: ${filed.status} ${filed.text}`);
  await world.openTask(filed.body.caseId, "advance-decision");
  return filed.body.caseId;
}

export interface ListPage<T = Record<string, unknown>> {
  items: T[];
  nextCursor?: string;
}

/** Every page of a list, following `nextCursor` (bounded, so a broken cursor cannot loop forever). */
export async function allPages<T = Record<string, unknown>>(
  client: ApiClient,
  path: string,
  pagesMax = 20,
): Promise<{ pages: ListPage<T>[]; items: T[] }> {
  const pages: ListPage<T>[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < pagesMax; n += 1) {
    const separator = path.includes("?") ? "&" : "?";
    const response = await client.get<ListPage<T>>(
      cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path,
    );
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
    pages.push(response.body);
    cursor = response.body.nextCursor;
    if (!cursor) return { pages, items: pages.flatMap((p) => p.items) };
  }
  throw new Error(`${path}: more than ${pagesMax} pages`);
}
