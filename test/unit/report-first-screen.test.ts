/**
 * The report's first screen as a planner reads it (issue 23): one table of hosts x categories with cost
 * factors and intervals, each host's platform class in planner words, trap notes where syscalls trap,
 * warnings once behind one line; host colours keyed by label; forest marks off the axis labelled with their
 * numbers. Pure: models, specs and strings.
 */
import { describe, expect, it } from 'vitest';
import { factorInterval, formatFactor } from '../../src/format/text.js';
import { ONE_RUN_PER_SIDE } from '../../src/format/warnings.js';
import { addWarning } from '../../src/stats/compare.js';
import { renderReport } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildReportModel, factorBand, noticeCounts } from '../../src/report/model.js';
import { platformClassOf, platformClassWords, trapNote } from '../../src/report/platform-class.js';
import { forestSpec, hostColours, hostScale } from '../../src/report/specs.js';
import { loadResults } from '../../src/results/io.js';
import type { Fingerprint } from '../../src/types.js';
import { comparisonOf, estimate, fingerprintOf, resultsOf, rowOf, threeHosts, WORKLOADS } from '../helpers/report-fixtures.js';

const opts = { baseline: 'metal', noisePct: 1, generatedAt: '2026-11-25T00:00:00.000Z', toolVersion: '0.1.0' };

/** metal, a KVM VM, a container, and a UML guest whose sys.clock costs ~1,524x with its interval far off any axis. */
function withUml() {
  const { files, comparisons } = threeHosts();
  const metal = files[0]!;
  const uml = resultsOf('uml', fingerprintOf({ platform: 'vm-in-vm', hypervisor: 'uml', cpuModel: 'UML' }), WORKLOADS);
  const rows = [
    rowOf('cpu.int', 'cpu', estimate(0.1, -2, 2)),
    rowOf('mem.latency', 'memory', estimate(700, 560, 1100)),
    rowOf('sys.clock', 'syscall', estimate(152_300, 90_700, 209_300)),
    rowOf('crypto.aes-gcm', 'crypto', estimate(1, -1, 3)),
    rowOf('net.tcp-rtt', 'network', estimate(3000, 418, 10_600)),
  ];
  return { files: [...files, uml], comparisons: [...comparisons, comparisonOf(metal, uml, rows, estimate(1200, 1000, 1400))] };
}

describe('first screen: hosts x categories', () => {
  const { files, comparisons } = withUml();
  const m = buildReportModel({ files, comparisons, ...opts });

  it('has one row per host, the baseline at x1.00, categories in order without noisy-neighbour, user only when present', () => {
    const t = m.costTable;
    expect(t.categories).toEqual(['cpu', 'memory', 'syscall', 'process', 'crypto', 'storage', 'network']);
    expect(t.rows.map((r) => r.host)).toEqual(['metal', 'kvm-vm', 'docker', 'uml']);
    const base = t.rows[0]!;
    expect(base.isBaseline).toBe(true);
    expect(base.cells.cpu).toMatchObject({ factor: 1, lo: 1, hi: 1, workloads: 1 });
    expect(base.cells.process).toBeUndefined(); // not measured: no cell
  });

  it('a one-workload category is exactly its row as a factor; the overall is the comparison overall', () => {
    const uml = m.costTable.rows.find((r) => r.host === 'uml')!;
    expect(uml.cells.syscall!.factor).toBeCloseTo(1524, 6);
    expect(uml.cells.syscall!.lo).toBeCloseTo(908, 6);
    expect(uml.cells.syscall!.hi).toBeCloseTo(2094, 6);
    expect(uml.overall).toMatchObject({ factor: 13, lo: 11, hi: 15, verdict: 'slower' });
    expect(factorInterval({ point: uml.cells.syscall!.factor, lo: uml.cells.syscall!.lo, hi: uml.cells.syscall!.hi })).toBe(
      'x1,524 [x908, x2,094]',
    );
  });

  it('a several-workload category is the geometric mean of its rows and of their bounds', () => {
    const { files: f, comparisons: cs } = threeHosts();
    const c = cs[0]!;
    c.rows.push(rowOf('sys.read', 'syscall', estimate(300, 200, 500)));
    const mm = buildReportModel({ files: f, comparisons: cs, ...opts });
    const vm = mm.costTable.rows.find((r) => r.host === 'kvm-vm')!;
    expect(vm.cells.syscall!.factor).toBeCloseTo(Math.sqrt(1.75 * 4), 9);
    expect(vm.cells.syscall!.lo).toBeCloseTo(Math.sqrt(1.7 * 3), 9);
    expect(vm.cells.syscall!.hi).toBeCloseTo(Math.sqrt(1.81 * 6), 9);
    expect(vm.cells.syscall!.workloads).toBe(2);
  });

  it('colours cells by size; an interval holding x1.00 is not shown to differ', () => {
    expect(factorBand({ factor: 1.02, lo: 0.99, hi: 1.05, verdict: 'inconclusive' })).toBe('same');
    expect(factorBand({ factor: 0.9, lo: 0.85, hi: 0.95, verdict: 'faster' })).toBe('better');
    expect(factorBand({ factor: 1.05, lo: 1.02, hi: 1.08, verdict: 'slower' })).toBe('worse-1');
    expect(factorBand({ factor: 32, lo: 26, hi: 50, verdict: 'slower' })).toBe('worse-5');
  });

  it('formats factors so small and huge ones read in one column', () => {
    expect(formatFactor(1)).toBe('x1.00');
    expect(formatFactor(1.0449)).toBe('x1.04');
    expect(formatFactor(32.4)).toBe('x32');
    expect(factorInterval({ point: 32, lo: 26, hi: 50 })).toBe('x32 [x26, x50]');
    expect(factorInterval({ point: 1, lo: 1, hi: 1 })).toBe('x1.00');
  });

  it('the title counts the compared hosts', () => {
    expect(m.title).toBe('virtax report: 3 hosts compared with metal');
  });

  it('the HTML opens with the table before the headline and any chart, the warnings behind one line, each once', () => {
    const html = renderReport(m, []);
    const table = html.indexOf('<table class="grid cost">');
    expect(table).toBeGreaterThan(0);
    expect(table).toBeLessThan(html.indexOf('id="headline"'));
    expect(html).toContain('x1,524<br><span class="ci">[x908, x2,094]</span>');
    expect(html).toContain('paravirtual guest kernel run as a process (User-Mode Linux)');
    expect(html.match(/<details class="notices">/g)).toHaveLength(1);
    for (const n of m.notices)
      expect(
        html.split(n.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')).length - 1,
      ).toBeLessThanOrEqual(1);
    const md = renderMarkdown(m);
    expect(md.indexOf('| host | platform | cpu |')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('**x1,524 [x908, x2,094]** ▲▲▲▲▲');
  });
});

describe('warnings once', () => {
  it('a warning several comparisons repeat is one notice naming its hosts; the counts line counts kinds', () => {
    const { files, comparisons } = threeHosts();
    for (const c of comparisons) addWarning(c, { code: 'one-run-per-side' });
    for (const c of comparisons) c.scope = { baseRuns: 1, candRuns: 1, covers: 'these-runs', statement: ONE_RUN_PER_SIDE };
    const m = buildReportModel({ files, comparisons, ...opts });
    // The kind comes from the code (one-run-per-side), the words from warningText.
    const scope = m.notices.filter((n) => n.text === ONE_RUN_PER_SIDE);
    expect(scope).toEqual([{ kind: 'scope', text: ONE_RUN_PER_SIDE, hosts: ['kvm-vm', 'docker'] }]);
    expect(new Set(m.notices.map((n) => n.text)).size).toBe(m.notices.length);
    expect(noticeCounts(m.notices)).toMatch(/^\d+ warnings: .*1 one run per side/);
  });
});

describe('platform classes in planner words', () => {
  const fp = (over: Partial<Fingerprint>) => fingerprintOf(over);
  const words = (over: Partial<Fingerprint>) => platformClassWords(platformClassOf(fp(over)));

  it('names each kind of platform', () => {
    expect(words({ platform: 'metal' })).toBe('bare metal');
    expect(words({ platform: 'vm', hypervisor: 'firecracker' })).toBe('hardware VM (Firecracker)');
    expect(words({ platform: 'vm', hypervisor: 'kvm' })).toBe('hardware VM (KVM)');
    expect(words({ platform: 'container-in-vm', hypervisor: 'firecracker', container: 'podman' })).toBe(
      'container (podman) in a Firecracker VM',
    );
    expect(
      words({ platform: 'container', container: 'docker', limits: { cpuQuotaCores: 0.5, cpuset: null, memoryLimitBytes: null } }),
    ).toBe('CPU-limited container (Docker, 0.5 CPU)');
    expect(
      words({
        platform: 'sandbox-in-vm',
        hypervisor: 'firecracker',
        container: 'gvisor',
        sandbox: { runtime: 'gvisor', platform: 'ptrace', kernel: 'gVisor' },
      }),
    ).toBe('application-kernel sandbox (gVisor, ptrace platform) in a Firecracker VM');
    expect(words({ platform: 'sandbox', container: 'gvisor', sandbox: { runtime: 'gvisor', platform: null, kernel: 'gVisor' } })).toBe(
      'application-kernel sandbox (gVisor, platform not recorded)',
    );
    expect(words({ platform: 'vm-in-vm', hypervisor: 'uml' })).toBe('paravirtual guest kernel run as a process (User-Mode Linux)');
  });

  it('says syscalls trap for gVisor (with its published per-platform getpid) and UML, and nothing for VMs and containers', () => {
    const sandbox = trapNote(
      platformClassOf(
        fp({ platform: 'sandbox', container: 'gvisor', sandbox: { runtime: 'gvisor', platform: 'ptrace', kernel: 'gVisor' } }),
      ),
    );
    expect(sandbox).toMatch(/native 239 ns, ptrace 15,400 ns, systrap 2,376 ns/);
    expect(sandbox).toMatch(/for the ptrace platform/);
    expect(trapNote(platformClassOf(fp({ platform: 'vm-in-vm', hypervisor: 'uml' })))).toMatch(/Not hardware virtualization.*KVM/);
    for (const p of ['metal', 'vm', 'container', 'container-in-vm'] as const)
      expect(trapNote(platformClassOf(fp({ platform: p, hypervisor: p === 'metal' ? null : 'kvm' })))).toBeNull();
  });
});

describe('host colours keyed by label', () => {
  const labels = [
    'firecracker-epyc-host-vm',
    'firecracker-epyc-podman-gvisor',
    'firecracker-epyc-podman-runc-half-cpu',
    'firecracker-epyc-podman-runc',
    'firecracker-epyc-uml',
  ];

  it('a label keeps its colour whatever the order and whichever other hosts share the page', () => {
    const all = hostColours(labels);
    const reversed = hostColours([...labels].reverse());
    for (const l of labels) expect(reversed.get(l)).toBe(all.get(l));
    // compare --html of the baseline and one candidate: the same two colours as in the five-host report
    const pair = hostColours([labels[0]!, labels[2]!]);
    expect(pair.get(labels[2]!)).toBe(all.get(labels[2]!));
    expect(pair.get(labels[0]!)).toBe(all.get(labels[0]!));
    expect(new Set(all.values()).size).toBe(labels.length);
  });

  it('the report scale follows the label, not the position', () => {
    const { files, comparisons } = threeHosts();
    const a = hostScale(buildReportModel({ files, comparisons, ...opts }));
    const b = hostScale(
      buildReportModel({ files: [files[0]!, files[2]!, files[1]!], comparisons: [comparisons[1]!, comparisons[0]!], ...opts }),
    );
    for (const l of a.domain) expect(b.range[b.domain.indexOf(l)]).toBe(a.range[a.domain.indexOf(l)]);
  });
});

describe('forest: every effect is shown', () => {
  it('a mark beyond the axis carries its factor, drawn in its host colour', () => {
    const { files, comparisons } = withUml();
    const m = buildReportModel({ files, comparisons, ...opts });
    const spec = forestSpec(m) as unknown as {
      data: { values: { host: string; id: string; clipHi: boolean; beyond: string | null }[] };
      spec: {
        layer: { mark: { type: string }; transform?: unknown[]; encoding: { color?: { field: string }; text?: { field: string } } }[];
      };
    };
    const clock = spec.data.values.find((v) => v.host === 'uml' && v.id === 'sys.clock')!;
    expect(clock.clipHi).toBe(true);
    expect(clock.beyond).toBe('x1,524 [x908, x2,094]');
    const texts = spec.spec.layer.filter((l) => l.mark.type === 'text');
    expect(texts.length).toBe(2);
    for (const t of texts) {
      expect(t.encoding.text?.field).toBe('beyond');
      expect(t.encoding.color?.field).toBe('host');
    }
    // the arrows are in the host's colour too
    for (const l of spec.spec.layer.filter((x) => x.transform && x.mark.type === 'point')) expect(l.encoding.color?.field).toBe('host');
    // every clipped row has its number
    for (const v of spec.data.values) if (v.clipHi) expect(v.beyond).toMatch(/^(to )?x[\d,.]+/);
  });
});

describe('first screen: agility and density from lifecycle files', () => {
  const life = ['process', 'podman', 'podman-gvisor', 'gvisor', 'uml'].map((p) => loadResults(`results/lifecycle/${p}-lifecycle.json`));

  it('beside a performance baseline: an agility row per lifecycle file, and no row of costs, headline or warning for them', () => {
    const { files, comparisons } = withUml();
    const metal = files[0]!;
    const empty = life.map((f) => comparisonOf(metal, f, [], null));
    const m = buildReportModel({ files: [...files, ...life], comparisons: [...comparisons, ...empty], ...opts });
    expect(m.agility.map((r) => r.platform)).toEqual(['process', 'podman', 'podman-gvisor', 'gvisor', 'uml']);
    expect(m.costTable.rows.map((r) => r.host)).toEqual(files.map((f) => f.label));
    expect(m.headlines.map((h) => h.label)).not.toContain('uml-lifecycle');
    // No comparison for them, so no comparison's warnings (a card's own, such as another CPU model, stay).
    expect(m.notices.filter((n) => n.kind !== 'other' && n.kind !== 'hardware').flatMap((n) => n.hosts)).not.toContain('gvisor-lifecycle');
    expect(m.title).toMatch(/3 hosts compared with metal; start and memory of 5 platforms/);
    const uml = m.agility.find((r) => r.platform === 'uml')!;
    const podman = m.agility.find((r) => r.platform === 'podman')!;
    expect(uml.memoryLevel).toBe(0.95);
    expect(uml.memoryPerInstanceMiB!.lo!).toBeGreaterThan(podman.memoryPerInstanceMiB!.hi!);
    expect(uml.startMs!.median).toBeGreaterThan(podman.startMs!.median);
    const md = renderMarkdown(m);
    expect(md).toMatch(/\| host \| platform \| start ms \| node start ms \| stop ms \| MiB per idle instance \| idle instances per GiB \|/);
    expect(md).toMatch(/\| uml\\-lifecycle \| uml \| [\d,]+ \\\([\d,]+\\-[\d,]+\\\) \|/);
    const html = renderReport(m, []);
    expect(html).toContain('<table class="grid agility">');
  });

  it('with a lifecycle baseline the lifecycle files are hosts like any other, with their agility rows too', () => {
    const [process, ...others] = life;
    const comparisons = others.map((f) => comparisonOf(process!, f, [rowOf('life.start', 'lifecycle', estimate(2000, 1000, 5000))], null));
    const m = buildReportModel({ files: life, comparisons, ...opts, baseline: 'process-lifecycle' });
    expect(m.costTable.rows).toHaveLength(5);
    expect(m.costTable.categories).toContain('lifecycle');
    expect(m.agility).toHaveLength(5);
    expect(m.title).toBe('virtax report: 4 hosts compared with process-lifecycle');
  });
});
