/**
 * The demo county of the local runtime: 示例县 with three townships. Codes follow the
 * administrative-division pattern (county 6 digits, township 9). Populations size the reserve-fund
 * quotas the seed allocates (DOMAIN §2.3: ≥ 1 yuan × registered population per year).
 */

export interface DemoTownship {
  townshipId: string;
  name: string;
  registeredPopulation: number;
}

export interface DemoCounty {
  countyId: string;
  name: string;
  townships: readonly DemoTownship[];
}

export const DEMO_COUNTY: DemoCounty = {
  countyId: "230123",
  name: "示例县",
  townships: [
    { townshipId: "230123100", name: "城关镇", registeredPopulation: 58_000 },
    { townshipId: "230123200", name: "河东乡", registeredPopulation: 21_000 },
    { townshipId: "230123300", name: "新华街道", registeredPopulation: 43_000 },
  ],
};

export const [CHENGGUAN, HEDONG, XINHUA] = DEMO_COUNTY.townships as [
  DemoTownship,
  DemoTownship,
  DemoTownship,
];

export function townshipName(townshipId: string): string | undefined {
  return DEMO_COUNTY.townships.find((t) => t.townshipId === townshipId)?.name;
}
