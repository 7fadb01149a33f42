/**
 * A console page's reads: `loading` while one runs, `error` the reader's sentence when one fails
 * (`failed` turns the exception into it: the API's Chinese message or the page's own), cleared when
 * the next read starts. `load(...reads)` runs the reads one after the other — each of them, even
 * after one failed — shows the first failure, and answers whether all succeeded.
 * Several loads of one page (the first page and 加载更多, two lists side by side) may write one error
 * line: pass it as `error`; then its owner clears it, not these loads, so no load hides another's failure.
 */
import { type Ref, ref } from "vue";

export interface Load {
  loading: Ref<boolean>;
  error: Ref<string>;
  load: (...reads: Array<() => Promise<unknown>>) => Promise<boolean>;
}

export function useLoad(
  failed: (e: unknown) => string,
  options: { loading?: boolean; error?: Ref<string> } = {},
): Load {
  const loading = ref(options.loading ?? true);
  const error = options.error ?? ref("");
  const clears = options.error === undefined;
  async function load(...reads: Array<() => Promise<unknown>>): Promise<boolean> {
    loading.value = true;
    if (clears) error.value = "";
    let failure: { cause: unknown } | undefined;
    for (const read of reads) {
      try {
        await read();
      } catch (cause) {
        failure ??= { cause };
      }
    }
    if (failure) error.value = failed(failure.cause);
    loading.value = false;
    return failure === undefined;
  }
  return { loading, error, load };
}
