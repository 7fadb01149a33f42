/**
 * A table wider than the screen (a desktop console on a phone) scrolls sideways inside its own box;
 * a keyboard user reaches that box with Tab and scrolls it with the arrow keys (WCAG 2.1.1, axe
 * `scrollable-region-focusable`). Boxes that do not scroll stay out of the Tab order.
 */
import { onBeforeUnmount, onMounted, type Ref } from "vue";

const SCROLL_BOXES = ".el-scrollbar__wrap";

function markScrollBoxes(root: HTMLElement): void {
  for (const box of root.querySelectorAll<HTMLElement>(SCROLL_BOXES)) {
    const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (scrolls) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  }
}

/** Keeps the scroll boxes under `root` focusable while they scroll, as pages render and the window resizes. */
export function useFocusableScrollBoxes(root: Ref<HTMLElement | null>): void {
  let frame = 0;
  const schedule = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (root.value) markScrollBoxes(root.value);
    });
  };
  const observer = new MutationObserver(schedule);
  onMounted(() => {
    if (root.value) observer.observe(root.value, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
    schedule();
  });
  onBeforeUnmount(() => {
    observer.disconnect();
    window.removeEventListener("resize", schedule);
    cancelAnimationFrame(frame);
  });
}
