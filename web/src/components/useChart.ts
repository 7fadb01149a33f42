/**
 * An Apache ECharts chart in a component's element (SVG renderer): drawn once mounted, drawn again
 * from scratch (options replaced, not merged) whenever `watched` changes, resized with the window,
 * disposed when the component goes. Each chart registers the ECharts parts it draws with (`echarts.use`).
 */
import * as echarts from "echarts/core";
import { onBeforeUnmount, onMounted, type Ref, type WatchSource, watch } from "vue";

export function useChart(
  element: Ref<HTMLDivElement | undefined>,
  option: () => echarts.EChartsCoreOption,
  watched: WatchSource,
): void {
  let chart: echarts.ECharts | undefined;
  function render() {
    if (!element.value) return;
    chart ??= echarts.init(element.value, undefined, { renderer: "svg" });
    chart.setOption(option(), true);
  }
  const resize = () => chart?.resize();
  onMounted(() => {
    render();
    window.addEventListener("resize", resize);
  });
  watch(watched, render, { deep: true });
  onBeforeUnmount(() => {
    window.removeEventListener("resize", resize);
    chart?.dispose();
  });
}
