/** One fund's line in the balance chart: points of (time, balance as the API's yuan string). */
export interface BalanceSeries {
  name: string;
  points: Array<{ at: string; balanceYuan: string }>;
}
