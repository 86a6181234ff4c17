/** Job name -> payload type. Every producer and consumer is checked against this map. */
export interface JobMap {
  'outbox.relay': Record<string, never>;
  'auth.prune-expired': Record<string, never>;
  'inventory.release-expired-reservations': Record<string, never>;
  'inventory.integrity-check': Record<string, never>;
}
export type JobName = keyof JobMap;
export type JobHandler<N extends JobName> = (payload: JobMap[N]) => Promise<void>;
