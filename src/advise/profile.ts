/** Reading application profiles: validated against schema/profile.v1.json, one-line errors. */
import type { ErrorObject } from 'ajv';
import { InputError } from '../errors.js';
import { readJsonInput, schemaValidator } from '../results/io.js';
import type { CompareOptions } from '../stats/types.js';
import type { Profile } from './types.js';

function describe(err: ErrorObject | undefined): string {
  if (!err) return 'does not match the schema';
  if (err.keyword === 'anyOf' || err.schemaPath.startsWith('#/anyOf')) return 'give "weights" (per category) or "resembles" (workload ids)';
  const where = err.instancePath || '(top level)';
  const extra =
    err.keyword === 'additionalProperties' ? ` (${String((err.params as { additionalProperty: string }).additionalProperty)})` : '';
  return `${where} ${err.message ?? 'is invalid'}${extra}`;
}

/** Validate parsed JSON as a profile; throws InputError naming `name` and the first problem. */
export function asProfile(data: unknown, name: string): Profile {
  const v = schemaValidator('profile.v1.json');
  if (!v(data)) throw new InputError(`${name}: invalid profile: ${describe(v.errors?.[0])}`);
  const p = data as Profile;
  if (p.weights && !Object.values(p.weights).some((w) => (w ?? 0) > 0)) {
    throw new InputError(`${name}: invalid profile: every weight is 0`);
  }
  return p;
}

export function loadProfile(path: string): Profile {
  return asProfile(readJsonInput(path), path);
}

/** The comparison options that make `overall` the profile's weighted overhead. */
export function compareOptionsFor(profile: Profile): Pick<CompareOptions, 'weights' | 'onlyIds'> {
  const out: Pick<CompareOptions, 'weights' | 'onlyIds'> = {};
  if (profile.weights) out.weights = profile.weights;
  if (profile.resembles) out.onlyIds = profile.resembles;
  return out;
}
