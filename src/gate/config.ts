/** The gate config file (`--config virtax.gate.json`), validated against schema/gate-config.v1.json. */
import { InputError } from '../errors.js';
import { readJsonInput, schemaValidator } from '../results/io.js';
import type { GatePolicy } from './types.js';

/** The gate config as written (percentages as numbers or "5%" strings). */
export interface GateConfigFile {
  $schema?: string;
  schema?: 'virtax.gate-config/v1';
  maxRegression?: number | string;
  perWorkload?: Record<string, number | string>;
  ignore?: string[];
}

/** Default max regression when neither the flag nor the config gives one. */
export const DEFAULT_MAX_REGRESSION_PCT = 5;

function pct(v: number | string): number {
  return typeof v === 'number' ? v : Number(v.replace('%', '').trim());
}

/** Validate parsed JSON as a gate config; throws InputError naming `name` and the first problem. */
export function asGateConfig(data: unknown, name: string): GateConfigFile {
  const v = schemaValidator('gate-config.v1.json');
  if (!v(data)) {
    const e = v.errors?.[0];
    const where = e?.instancePath || '(top level)';
    const extra = e?.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    throw new InputError(`${name}: invalid gate config: ${where} ${e?.message ?? 'is invalid'}${extra}`);
  }
  return data as GateConfigFile;
}

export function loadGateConfig(path: string): GateConfigFile {
  return asGateConfig(readJsonInput(path, 'gate config'), path);
}

/**
 * The policy from a config (or none) and the command line. `--max-regression` overrides the config's
 * default; per-workload values and ignores always come from the config.
 */
export function policyOf(config: GateConfigFile | null, flagMaxRegressionPct: number | undefined): GatePolicy {
  const d = flagMaxRegressionPct ?? (config?.maxRegression !== undefined ? pct(config.maxRegression) : DEFAULT_MAX_REGRESSION_PCT);
  if (!(d >= 0) || !Number.isFinite(d)) throw new InputError(`--max-regression: expected a percentage of 0 or more (got ${d})`);
  const perWorkload: Record<string, number> = {};
  for (const [k, v] of Object.entries(config?.perWorkload ?? {})) perWorkload[k] = pct(v);
  return { defaultMaxRegressionPct: d, perWorkload, ignore: [...(config?.ignore ?? [])] };
}
