/**
 * Fuzz budget: `npm test` runs a small budget with a fixed seed, so a red build replays exactly;
 * `npm run fuzz` runs 300 mutations per operation with a fresh seed (FUZZ_SEED=random), printed at the
 * start, so each long run explores new inputs. Replay a failure with FUZZ_SEED=<printed seed>.
 */
const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : fallback;
};

export const FUZZ_RUNS = positive(process.env.FUZZ_RUNS, 25);
export const FUZZ_SEED =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : positive(process.env.FUZZ_SEED, 20_240_611);
/** FUZZ_VERBOSE=1 prints, per operation, how often each status was answered (what the mutations reach). */
export const FUZZ_VERBOSE = !!process.env.FUZZ_VERBOSE;
