/**
 * Submitting one human step of a case: one idempotency key per logical submission (kept on retry,
 * renewed after success), field errors under their fields, and the updated case handed back.
 */
import { ref } from "vue";
import { caseAction } from "../../../api/cases.ts";
import { newIdempotencyKey } from "../../../api/http.ts";
import type { CaseView } from "../../../api/types.ts";
import { useFieldErrors } from "../../../fieldErrors.ts";

export function useCaseAction(caseId: () => string, step: string, onDone: (updated: CaseView) => void) {
  const busy = ref(false);
  const fieldErrors = useFieldErrors();
  let key = newIdempotencyKey();

  async function submit(body: unknown): Promise<boolean> {
    busy.value = true;
    fieldErrors.clear();
    try {
      const updated = await caseAction(caseId(), step, body, { idempotencyKey: key });
      key = newIdempotencyKey();
      onDone(updated);
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
