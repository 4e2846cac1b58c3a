/**
 * Facts about a recorded host that several readers need (compare's environment guard, the report's host
 * cards, the gate's refusal to compare across machines). Pure: it reads only the fingerprint.
 *
 * A nested guest's kernel may hide the CPU model: User-Mode Linux reports `UML`, gVisor `unknown`. Two
 * hosts whose models differ only for that reason are not "two machines"; their CPU flags (which both pass
 * through from the hardware) say whether the hardware is plausibly the same.
 */
import type { ComparisonWarning, Fingerprint } from '../types.js';

/** CPU model strings that name no hardware (a guest kernel's placeholder). */
const PLACEHOLDER_MODELS = new Set(['uml', 'unknown', '']);

/** Whether the fingerprint says the probe ran nested (a guest in a guest, a sandbox, or a launcher-named outer layer). */
export function isNested(f: Fingerprint): boolean {
  return (
    f.platform === 'vm-in-vm' || f.platform === 'sandbox' || f.platform === 'sandbox-in-vm' ||
    f.hypervisor === 'uml' || f.container === 'gvisor' || (f.sandbox ?? null) !== null ||
    (f.nesting?.length ?? 0) > 1 || (f.nesting ?? []).some((l) => l.source === 'launcher')
  );
}

/** The guest kernel that hides this host's CPU model (`User-Mode Linux`, `gVisor`, ...), or null when the model is the hardware's. */
export function cpuModelHiddenBy(f: Fingerprint): string | null {
  if (!PLACEHOLDER_MODELS.has(f.cpu.model.trim().toLowerCase()) || !isNested(f)) return null;
  if (f.hypervisor === 'uml') return 'User-Mode Linux';
  if (f.container === 'gvisor' || f.sandbox) return 'gVisor';
  return 'the guest kernel';
}

function flagSet(f: Fingerprint): string {
  return Object.entries(f.cpu.flags).filter(([, v]) => v).map(([k]) => k).join(' ') || 'none';
}

/**
 * When two hosts' CPU models differ only because a nested guest hides one (or both), the warning to give
 * instead of "different machines"; null when the models are equal or both name hardware.
 */
export function nestedCpuModelWarning(base: Fingerprint, cand: Fingerprint): Extract<ComparisonWarning, { code: 'cpu-model-hidden' }> | null {
  if (base.cpu.model === cand.cpu.model) return null;
  const b = cpuModelHiddenBy(base);
  const c = cpuModelHiddenBy(cand);
  if (!b && !c) return null;
  return {
    code: 'cpu-model-hidden',
    base: base.cpu.model,
    cand: cand.cpu.model,
    baseHiddenBy: b,
    candHiddenBy: c,
    baseFlags: flagSet(base),
    candFlags: flagSet(cand),
  };
}

/** The warning two hosts' CPU models call for: hidden by a nested guest, or two machines; null when they agree. */
export function cpuModelWarning(base: Fingerprint, cand: Fingerprint): ComparisonWarning | null {
  if (base.cpu.model === cand.cpu.model) return null;
  return nestedCpuModelWarning(base, cand) ?? { code: 'cpu-models-differ', base: base.cpu.model, cand: cand.cpu.model };
}
