import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ValidationError } from "#core/errors.ts";
import { IdentityDocumentSchema } from "#core/identity/index.ts";
import { bilingual, parseOrThrow } from "#functions/http/validation.ts";

const Application = z.object({
  name: z.string().min(1),
  amountYuan: z.string().regex(/^\d+\.\d{2}$/, bilingual("Amount as 12.30", "金额格式应为 12.30")),
  hardship: z.enum(["urgent", "expenditure"]),
  household: z.object({ members: z.number().int().min(1).max(20) }),
  phone: z.string().length(11).optional(),
});

function fieldsOf(input: unknown) {
  try {
    parseOrThrow(Application, input);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("zod issues become field errors in English and Chinese", () => {
  it("a missing field says required / 必填项 with its dotted path", () => {
    const fields = fieldsOf({ name: "张伟", amountYuan: "12.30", hardship: "urgent", household: {} });
    expect(fields).toEqual([{ path: "household.members", message: "Required", messageZh: "必填项" }]);
  });

  it("an empty name, a bad enum value and a too large number each get their Chinese message", () => {
    const fields = fieldsOf({ name: "", amountYuan: "12.30", hardship: "fire", household: { members: 21 } });
    const byPath = Object.fromEntries(fields.map((f) => [f.path, f.messageZh]));
    expect(byPath.name).toBe("不能为空");
    expect(byPath.hardship).toBe("取值无效，请从可选项中选择");
    expect(byPath["household.members"]).toBe("数值不能大于 20");
  });

  it("a schema's own bilingual message is split into message and messageZh", () => {
    const fields = fieldsOf({
      name: "张伟",
      amountYuan: "12.3",
      hardship: "urgent",
      household: { members: 2 },
    });
    expect(fields).toEqual([
      { path: "amountYuan", message: "Amount as 12.30", messageZh: "金额格式应为 12.30" },
    ]);
  });

  it("a wrong type names the expected type; an exact length says so", () => {
    const fields = fieldsOf({
      name: 5,
      amountYuan: "1.00",
      hardship: "urgent",
      household: { members: 1 },
      phone: "1380000",
    });
    const byPath = Object.fromEntries(fields.map((f) => [f.path, f.messageZh]));
    expect(byPath.name).toBe("类型不正确，应为文本");
    expect(byPath.phone).toBe("长度应为 11");
  });

  it("a resident ID with a wrong check digit is explained in Chinese by the core's own message", () => {
    // Prepare: 11010519491231002X is valid; the last character changed breaks the GB 11643 check digit.
    const schema = z.object({ document: IdentityDocumentSchema });
    // Act
    let fields: unknown;
    try {
      parseOrThrow(schema, { document: { type: "resident-id", number: "110105194912310021" } });
    } catch (error) {
      fields = error instanceof ValidationError ? error.fields : error;
    }
    // Assess
    expect(fields).toEqual([
      expect.objectContaining({ path: "document.number", messageZh: expect.stringContaining("校验码") }),
    ]);
  });

  it("a prefix marks where the field came from (query, path)", () => {
    expect(() =>
      parseOrThrow(z.object({ limit: z.coerce.number().max(5) }), { limit: "9" }, "query"),
    ).toThrow(expect.objectContaining({ fields: [expect.objectContaining({ path: "query.limit" })] }));
  });
});
