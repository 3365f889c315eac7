/**
 * Property tests are deterministic in `npm test`: one fixed seed for every fast-check run (a test may still
 * pin its own). `FUZZ_SEED=<n>` replays or explores another seed; the seed in use is printed on failure.
 */
import fc from 'fast-check';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_261_129;
fc.configureGlobal({ seed });
