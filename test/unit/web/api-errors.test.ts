/**
 * How the consoles read an API error: AidFlow's `{ code, message, messageZh, fields }`, and a token
 * refused at the gateway. The Lambda authorizer of a Cognito deployment (two pools) makes API Gateway
 * answer 403 `{"message":"Forbidden"}`, where the JWT authorizer and the local runtime answer 401:
 * both must send the reader back to sign in, in words they read.
 */
import { describe, expect, it } from "vitest";
import { apiErrorOf } from "../../../web/src/api/http.ts";

describe("apiErrorOf", () => {
  it("a token the Lambda authorizer refused (API Gateway's bare 403) is a 401 with a Chinese sentence", () => {
    const error = apiErrorOf(403, { message: "Forbidden" }, "Forbidden");
    expect(error.status).toBe(401);
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.messageZh).toBe("登录已失效，请重新登录");
  });

  it("AidFlow's own 403 (a role or scope refusal) stays a 403 with its code and fields", () => {
    const error = apiErrorOf(
      403,
      {
        code: "FORBIDDEN",
        message: "Staff read the townships of their own county only",
        messageZh: "工作人员只能查看本县的乡镇目录",
        fields: [{ path: ["countyId"], message: "not your county", messageZh: "非本县" }],
      },
      "Forbidden",
    );
    expect(error.status).toBe(403);
    expect(error.code).toBe("FORBIDDEN");
    expect(error.messageZh).toBe("工作人员只能查看本县的乡镇目录");
    expect(error.fields).toEqual([{ path: "countyId", message: "not your county", messageZh: "非本县" }]);
  });

  it("a 401 of the JWT authorizer keeps its status", () => {
    expect(apiErrorOf(401, { message: "Unauthorized" }, "Unauthorized").status).toBe(401);
  });
});
