/**
 * A console page's reads (useLoad): the loading flag while they run, the first failure in the reader's
 * words, the error line cleared when the next read starts, one error line shared by two loads.
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../web/src/api/http.ts";
import { useLoad } from "../../../web/src/composables/useLoad.ts";
import { errorTextFor } from "../../../web/src/errorText.ts";
import zhCN from "../../../web/src/i18n/zh-CN.ts";

const failed = (e: unknown) => errorTextFor(e, "zh-CN", zhCN.common.failed);
const refused = new ApiError(403, "FORBIDDEN", "Not your county", "不是本县的案件", []);

describe("useLoad", () => {
  it("shows the loading state from the start and until the read has answered", async () => {
    const { loading, error, load } = useLoad(failed);
    expect(loading.value).toBe(true);
    let seenWhileReading: boolean | undefined;
    const ok = await load(async () => {
      seenWhileReading = loading.value;
    });
    expect([ok, seenWhileReading, loading.value, error.value]).toEqual([true, true, false, ""]);
  });

  it("starts idle when asked to", () => {
    expect(useLoad(failed, { loading: false }).loading.value).toBe(false);
  });

  it("shows a refused read's Chinese message and a plain sentence for a network failure", async () => {
    const { loading, error, load } = useLoad(failed);
    expect(await load(() => Promise.reject(refused))).toBe(false);
    expect([loading.value, error.value]).toEqual([false, "不是本县的案件"]);
    await load(() => Promise.reject(new TypeError("Failed to fetch")));
    expect(error.value).toBe("操作未成功，请稍后再试");
  });

  it("clears the last failure when the next read starts", async () => {
    const { error, load } = useLoad(failed);
    await load(() => Promise.reject(refused));
    let seenWhileReading = "unset";
    await load(async () => {
      seenWhileReading = error.value;
    });
    expect([seenWhileReading, error.value]).toEqual(["", ""]);
  });

  it("runs every read even after one failed, and shows the first failure", async () => {
    const { error, load } = useLoad(failed);
    const ran: string[] = [];
    const ok = await load(
      async () => {
        ran.push("cases");
        throw refused;
      },
      async () => {
        ran.push("payments");
        throw new TypeError("Failed to fetch");
      },
    );
    expect([ok, ran, error.value]).toEqual([false, ["cases", "payments"], "不是本县的案件"]);
  });

  it("lets two loads of one page write one error line, which only its owner clears", async () => {
    const first = useLoad(failed);
    const more = useLoad(failed, { loading: false, error: first.error });
    await first.load(() => Promise.reject(refused));
    await more.load(async () => {});
    expect(first.error.value).toBe("不是本县的案件");
    await first.load(async () => {});
    await more.load(() => Promise.reject(new TypeError("Failed to fetch")));
    expect([first.error.value, first.loading.value, more.loading.value]).toEqual([
      "操作未成功，请稍后再试",
      false,
      false,
    ]);
  });
});
