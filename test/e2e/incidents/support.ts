/**
 * What the disaster-mode tests share: distinct affected households (valid GB 11643 resident IDs, own
 * bank accounts) and the 受灾户 spreadsheet an officer imports.
 */
import ExcelJS from "exceljs";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import { HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET } from "#functions/services/incidents/register.ts";

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN = ["建国", "秀英", "丽", "强", "明", "帆", "磊", "敏", "杰", "芳", "伟", "娜"];

export interface Household {
  townshipId: string;
  name: string;
  idNumber: string;
  phone: string;
  account: string;
}

/** The n-th household (n < 16,800) of a township: a valid resident ID with a real birth date. */
export function household(townshipId: string, n: number): Household {
  const year = 1950 + (n % 50);
  const month = String(1 + (Math.floor(n / 50) % 12)).padStart(2, "0");
  // The township's last digits shift the day, so two townships' n-th households are different people.
  const day = String(1 + ((Math.floor(n / 600) + 9 * Number(townshipId.slice(6, 7))) % 28)).padStart(2, "0");
  const serial = String((n % 997) + 1).padStart(3, "0");
  const first17 = `${townshipId.slice(0, 6)}${year}${month}${day}${serial}`;
  return {
    townshipId,
    name: `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}`,
    idNumber: `${first17}${residentIdCheckCharacter(first17)}`,
    phone: `138${String(10_000_000 + n * 7_919 + Number(townshipId.slice(6))).slice(-8)}`,
    account: `62170000${String(10_000_000 + n * 1_237 + Number(townshipId.slice(6)) * 31).slice(-8)}`,
  };
}

/** The 受灾户 sheet of these households (row 1 the header); `edit` changes cells of a row before writing. */
export async function householdWorkbook(
  households: readonly Household[],
  edit?: (row: string[], index: number) => string[],
): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(HOUSEHOLD_SHEET);
  sheet.addRow(HOUSEHOLD_COLUMNS.map((c) => c.header));
  households.forEach((h, index) => {
    const row = [
      h.townshipId,
      h.name,
      h.idNumber,
      h.phone,
      h.name,
      "农村信用社",
      h.account,
      "受灾村 1 组",
      "",
    ];
    sheet.addRow(edit ? edit(row, index) : row);
  });
  return Buffer.from(await book.xlsx.writeBuffer()).toString("base64");
}
