/**
 * Submitting one human step of a case: one idempotency key per logical submission (kept on retry,
 * renewed after success), field errors under their fields, and the updated case handed back.
 */
import { ref } from "vue";
import { caseAction, type DecisionResponse } from "../../../api/cases.ts";
import { ApiError, newIdempotencyKey } from "../../../api/http.ts";
import { useFieldErrors } from "../../../fieldErrors.ts";

export function useCaseAction(
  caseId: () => string,
  endpoint: () => string,
  onDone: (answer: DecisionResponse) => void,
  base: "cases" | "plans" = "cases",
) {
  const busy = ref(false);
  const fieldErrors = useFieldErrors();
  let key = newIdempotencyKey();

  async function submit(body: unknown): Promise<boolean> {
    busy.value = true;
    fieldErrors.clear();
    try {
      const answer = await caseAction(caseId(), endpoint(), body, { idempotencyKey: key }, base);
      key = newIdempotencyKey();
      onDone(answer);
      return true;
    } catch (e) {
      // Refused (4xx): nothing was written, the corrected form gets a new key. Unknown outcome: keep it.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) key = newIdempotencyKey();
      fieldErrors.take(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy, fieldErrors, submit };
}
