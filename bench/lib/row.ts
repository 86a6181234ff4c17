/** One side's figures for a scenario: requests (or orders) a second, latency and the server's CPU per request. */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
}

/** A line of the bench table: ours and the baseline on one scenario. */
export interface Row {
  scenario: string;
  ours: Figures;
  base: Figures;
  same: boolean;
  sameSql: boolean;
}
