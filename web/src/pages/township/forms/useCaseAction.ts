/**
 * Submitting one human step of a case: one idempotency key per logical submission (kept on retry,
 * renewed after success), field errors under their fields, and the updated case handed back.
 */
import { ref } from "vue";
import { caseAction, type DecisionResponse } from "../../../api/cases.ts";
import { newIdempotencyKey } from "../../../api/http.ts";
import { useFieldErrors } from "../../../fieldErrors.ts";

export function useCaseAction(
  caseId: () => string,
  endpoint: () => string,
  onDone: (answer: DecisionResponse) => void,
) {
  const busy = ref(false);
  const fieldErrors = useFieldErrors();
  let key = newIdempotencyKey();

  async function submit(body: unknown): Promise<boolean> {
    busy.value = true;
    fieldErrors.clear();
    try {
      const answer = await caseAction(caseId(), endpoint(), body, { idempotencyKey: key });
      key = newIdempotencyKey();
      onDone(answer);
      return true;
    } catch (e) {
      fieldErrors.take(e);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy, fieldErrors, submit };
}
