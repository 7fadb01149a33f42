/**
 * Which county the administration pages work on: a county administrator's own county; a province
 * administrator picks one of the province's counties (GET /admin/counties) and the pick
 * stays while they move between 用户管理, 政策版本 and 节假日.
 */
import { computed, ref, watch } from "vue";
import { useI18n } from "vue-i18n";
import { listAdminCounties } from "../../api/admin.ts";
import { useLoad } from "../../composables/useLoad.ts";
import { hasRole, session } from "../../session.ts";

export interface CountyChoice {
  countyId: string;
  name: string;
}

const picked = ref<string>("");
const choices = ref<CountyChoice[]>([]);

export const isProvinceAdmin = computed(() => hasRole("province-admin") && !hasRole("county-admin"));

/** The county the pages read and write, "" while a province administrator has not picked one. */
export const adminCountyId = computed(() =>
  isProvinceAdmin.value ? picked.value : (session.user?.countyId ?? ""),
);

export function pickCounty(countyId: string): void {
  picked.value = countyId;
}

/** The province's counties for the picker; the first is picked when none is yet. */
export async function loadCountyChoices(): Promise<CountyChoice[]> {
  if (!isProvinceAdmin.value) return [];
  if (choices.value.length === 0) {
    choices.value = (await listAdminCounties()).map((c) => ({ countyId: c.countyId, name: c.name }));
  }
  if (!picked.value && choices.value[0]) picked.value = choices.value[0].countyId;
  return choices.value;
}

/**
 * For a page's setup: `read(countyId)` fills the page's data for the county administered, now and
 * whenever another county is picked (or `target()` names another one); `loading`, `loaded`, a
 * failure in words for the template, and `reload` after the page changed something.
 */
export function useCountyRead(
  read: (countyId: string) => Promise<void>,
  target: () => string = () => adminCountyId.value,
) {
  const { t } = useI18n();
  const { loading, error, load: run } = useLoad(() => t("admin.failed"));
  const loaded = ref(false);
  async function load(): Promise<void> {
    const countyId = target();
    if (!countyId) return;
    if (await run(() => read(countyId))) loaded.value = true;
  }
  watch(target, () => void load(), { immediate: true });
  return { loading, loaded, error, reload: load };
}
