/**
 * What the two holiday forms share (载入全国节假日安排, 本县调整日): the rest-day rows and make-up
 * working days being edited, their check against the year, the days as the API takes them, and the
 * save — a success message, or the API's field messages beside their rows and any other refusal in words.
 */
import { ElMessage } from "element-plus";
import { ref } from "vue";
import { useErrorText } from "../../errorText.ts";
import { useFieldErrors } from "../../fieldErrors.ts";
import { checkDays, type HolidayRange } from "./holidayNotice.ts";

export function useDaysForm() {
  const errorText = useErrorText();
  const fields = useFieldErrors();
  const holidays = ref<HolidayRange[]>([]);
  const makeUp = ref<string[]>([]);
  const saving = ref(false);
  const refusal = ref("");

  /** The rows pass the year's checks (dates in the year, ranges in order, no day twice). */
  const valid = (year: number): boolean => checkDays(year, holidays.value, makeUp.value).length === 0;

  /** Names trimmed; make-up days without the empty rows, in date order. */
  const days = () => ({
    holidays: holidays.value.map((h) => ({ ...h, name: h.name.trim() })),
    makeUpWorkingDays: makeUp.value.filter((d) => d !== "").sort(),
  });

  /** Clears the last refusal before a new attempt. */
  function begin(): void {
    fields.clear();
    refusal.value = "";
  }

  /** Runs `put`; true when it was saved (`done` shown), false when refused (the reasons shown). */
  async function save(put: () => Promise<unknown>, done: string): Promise<boolean> {
    saving.value = true;
    try {
      await put();
      ElMessage({ type: "success", message: done, customClass: "af-success" });
      return true;
    } catch (e) {
      if (fields.take(e).length === 0) refusal.value = errorText(e);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { fields, holidays, makeUp, saving, refusal, valid, days, begin, save };
}
