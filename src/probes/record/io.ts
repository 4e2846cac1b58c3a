/** Reading application profiles written by `virtax record`: validated against schema/app-profile.v1.json. */
import { InputError } from '../../errors.js';
import { readJsonInput, schemaValidator } from '../../results/io.js';
import type { AppProfile } from '../../results/app-profile.js';

export function loadAppProfile(path: string): AppProfile {
  const data = readJsonInput(path);
  const v = schemaValidator('app-profile.v1.json');
  if (!v(data)) {
    const err = v.errors?.[0];
    const what =
      (data as { schema?: unknown } | null)?.schema === 'virtax.app/v1'
        ? 'invalid application profile'
        : 'not a virtax application profile (virtax record writes one)';
    throw new InputError(
      `${path}: ${what}: ${err ? `${err.instancePath || '(top level)'} ${err.message ?? 'is invalid'}` : 'does not match the schema'}`,
    );
  }
  return data as AppProfile;
}
