/** Reading application profiles: validated against schema/profile.v1.json, one-line errors. */
import type { ErrorObject } from 'ajv';
import { InputError } from '../errors.js';
import { readJsonInput, schemaValidator } from '../results/io.js';
import type { CompareOptions } from '../stats/types.js';
import { checkDensityNeeds, type DensityNeeds } from './density.js';
import type { Profile } from './types.js';

function describe(err: ErrorObject | undefined): string {
  if (!err) return 'does not match the schema';
  if (err.keyword === 'anyOf' || err.schemaPath.startsWith('#/anyOf'))
    return 'give "weights" (per category) or "resembles" (workload ids), or "instances" and "hostMemoryGiB" (sizing by memory)';
  const where = err.instancePath || '(top level)';
  const extra =
    err.keyword === 'additionalProperties' ? ` (${String((err.params as { additionalProperty: string }).additionalProperty)})` : '';
  return `${where} ${err.message ?? 'is invalid'}${extra}`;
}

/** A profile as its two uses: the work it does (weights or resembled workloads) and the instances it must fit. */
export interface ProfileParts {
  /** Null when the profile gives only instances (sizing by memory). */
  performance: Profile | null;
  density: DensityNeeds | null;
}

/** Validate parsed JSON as a profile of either use; throws InputError naming `name` and the first problem. */
export function asProfileParts(data: unknown, name: string): ProfileParts {
  const v = schemaValidator('profile.v1.json');
  if (!v(data)) throw new InputError(`${name}: invalid profile: ${describe(v.errors?.[0])}`);
  const p = data as Profile;
  if (p.weights && !Object.values(p.weights).some((w) => (w ?? 0) > 0)) {
    throw new InputError(`${name}: invalid profile: every weight is 0`);
  }
  return {
    performance: p.weights || p.resembles ? p : null,
    density: p.instances !== undefined ? checkDensityNeeds(p, name) : null,
  };
}

/** Validate parsed JSON as a profile of the work an application does (weights or resembled workloads). */
export function asProfile(data: unknown, name: string): Profile {
  const { performance } = asProfileParts(data, name);
  if (!performance)
    throw new InputError(
      `${name}: this profile gives only instances (sizing by memory, virtax advise); give "weights" or "resembles" here`,
    );
  return performance;
}

export function loadProfile(path: string): Profile {
  return asProfile(readJsonInput(path), path);
}

export function loadProfileParts(path: string): ProfileParts {
  return asProfileParts(readJsonInput(path), path);
}

/** The comparison options that make `overall` the profile's weighted overhead. */
export function compareOptionsFor(profile: Profile): Pick<CompareOptions, 'weights' | 'onlyIds'> {
  const out: Pick<CompareOptions, 'weights' | 'onlyIds'> = {};
  if (profile.weights) out.weights = profile.weights;
  if (profile.resembles) out.onlyIds = profile.resembles;
  return out;
}
