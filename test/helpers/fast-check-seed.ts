/**
 * fast-check runs with a fixed seed (vitest setupFiles, vitest.config.ts), so `npm test` draws the same
 * cases every time and a CI run never fails on a rare draw it did not draw yesterday. Explore new cases with
 * `FC_SEED=random npm run test:unit` (or any number); fast-check prints the seed of a failure to replay it.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261130 : Number(seed) });
