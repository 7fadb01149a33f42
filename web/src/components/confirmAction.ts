/**
 * Asks before an action that moves money or cannot be undone: true when the user confirmed.
 * The buttons carry the classes the browser tests click (`af-confirm-ok`, `af-confirm-cancel`).
 */
import { ElMessageBox } from "element-plus";

export async function confirmAction(
  message: string,
  labels: { title: string; ok: string; cancel: string },
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, labels.title, {
      confirmButtonText: labels.ok,
      cancelButtonText: labels.cancel,
      confirmButtonClass: "af-confirm-ok",
      cancelButtonClass: "af-confirm-cancel",
      type: "warning",
    });
    return true;
  } catch {
    return false;
  }
}
