/**
 * Whether the screen is a phone's: the desktop consoles then lay pages out in one column. The width
 * matches the `@media (max-width: 760px)` rules of the consoles' styles.
 */
import { onBeforeUnmount, onMounted, type Ref, ref } from "vue";

export const NARROW_SCREEN = "(max-width: 760px)";

export function useNarrowScreen(): Ref<boolean> {
  const query = window.matchMedia(NARROW_SCREEN);
  const narrow = ref(query.matches);
  const update = () => {
    narrow.value = query.matches;
  };
  onMounted(() => query.addEventListener("change", update));
  onBeforeUnmount(() => query.removeEventListener("change", update));
  return narrow;
}
