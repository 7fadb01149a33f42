/**
 * A DynamoDB write under a condition: its condition failing is an answer — another writer came
 * first, a claim is held, the item already exists — not an error. Any other failure is thrown.
 */

/** Whether a write failed on its condition (`ConditionalCheckFailedException`). */
export function conditionFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";
}

/** True when the conditional write was applied, false when its condition failed. */
export async function applied(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}
