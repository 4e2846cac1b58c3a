import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';

const deployDir = new URL('../../deploy/', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Parse argv against the real CLI definitions (strict: unknown commands, flags or choices throw). */
function checkArgv(argv: string[]): void {
  const parser = yargs(argv)
    .scriptName('virtax')
    .strict()
    .exitProcess(false)
    .help(false)
    .version(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    });
  for (const c of commands) parser.command({ command: c.command, describe: c.describe, builder: c.builder, handler: () => {} });
  parser.demandCommand(1).parse();
}

/** Shell words of every `virtax ...` command in a script, up to the end of that command. */
function virtaxCommandsInScript(script: string, vars: Record<string, string>): string[][] {
  const text = script
    .replace(/\$\{(\w+)[^}]*\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => vars[(a ?? b) as string] ?? 'X')
    .replace(/\$\([^)]*\)/g, 'X');
  const found: string[][] = [];
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(/(?:^|[\s;&|"])virtax\s/g)) {
      const rest = line.slice((m.index ?? 0) + m[0].length);
      const words: string[] = [];
      let i = 0;
      let open = true;
      while (open && i < rest.length) {
        while (rest[i] === ' ' || rest[i] === '\t') i++;
        if (i >= rest.length || /^(&&|\|\||[;|>])/.test(rest.slice(i))) break;
        let word = '';
        while (i < rest.length && !/[\s;&|>]/.test(rest[i] as string)) {
          const q = rest[i] as string;
          if (q === '"' || q === "'") {
            const end = rest.indexOf(q, i + 1);
            if (end < 0) {
              open = false; // the closing quote of an outer string (e.g. ssh "..."): the command ends here
              break;
            }
            word += rest.slice(i + 1, end);
            i = end + 1;
          } else word += rest[i++];
        }
        if (word) words.push(word);
      }
      found.push(words);
    }
  }
  return found;
}

interface Container {
  command?: string[];
  args?: string[];
}

function k8sCommands(doc: unknown): string[][] {
  const spec = (doc as { spec?: { template?: { spec?: { containers?: Container[] } } } }).spec?.template?.spec;
  return (spec?.containers ?? []).flatMap((c) => {
    if (c.command?.[0] === 'virtax') return [c.args ?? []];
    if (c.command?.[0] === '/bin/sh') return virtaxCommandsInScript((c.args ?? []).join('\n'), {});
    return [];
  });
}

type Play = { vars?: Record<string, string>; tasks?: Array<Record<string, unknown>> };

function ansibleCommands(play: Play): string[][] {
  const render = (s: string) => s.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, v: string) => play.vars?.[v] ?? 'X');
  return (play.tasks ?? []).flatMap((t) => {
    const argv = (t['ansible.builtin.command'] as { argv?: string[] } | undefined)?.argv;
    return argv?.[0] === 'virtax' ? [argv.slice(1).map(render)] : [];
  });
}

const yamlFiles = filesUnder(deployDir).filter((f) => /\.ya?ml$/.test(f));

describe('deploy/ manifests', () => {
  it('ship Kubernetes manifests, an Ansible playbook, an ssh loop and the image', () => {
    const names = filesUnder(deployDir).map((f) => f.slice(deployDir.length));
    expect(names).toEqual(
      expect.arrayContaining([
        'kubernetes/probe-jobs.yaml',
        'kubernetes/probe-daemonset.yaml',
        'kubernetes/collector.yaml',
        'ansible/probe.yml',
        'ssh/fleet.sh',
        'Dockerfile',
      ]),
    );
  });

  for (const file of yamlFiles) {
    it(`${file.slice(deployDir.length)} parses and every virtax command in it is a real command with real flags`, () => {
      const docs = parseAllDocuments(readFileSync(file, 'utf8'));
      const list = Array.isArray(docs) ? docs : [docs];
      for (const d of list) expect(d.errors.map((e) => e.message)).toEqual([]);
      const values = list.map((d) => d.toJS() as unknown);
      const argvs = file.includes('/ansible/') ? (values[0] as Play[]).flatMap(ansibleCommands) : values.flatMap(k8sCommands);
      expect(argvs.length).toBeGreaterThan(0);
      for (const argv of argvs) expect(() => checkArgv(argv), argv.join(' ')).not.toThrow();
    });
  }

  it('probe jobs and daemonsets select the metal and the VM pool by node label', () => {
    for (const f of ['kubernetes/probe-jobs.yaml', 'kubernetes/probe-daemonset.yaml']) {
      const docs = parseAllDocuments(readFileSync(join(deployDir, f), 'utf8')) as Array<{ toJS(): unknown }>;
      const pools = docs.map(
        (d) =>
          (d.toJS() as { spec: { template: { spec: { nodeSelector: Record<string, string> } } } }).spec.template.spec.nodeSelector[
            'virtax.dev/pool'
          ],
      );
      expect(pools, f).toEqual(['metal', 'vm']);
    }
  });

  it('the ssh loop runs real virtax commands', () => {
    const argvs = virtaxCommandsInScript(readFileSync(join(deployDir, 'ssh/fleet.sh'), 'utf8'), { suite: 'standard' }).filter(
      (a) => a[0] === 'run',
    );
    expect(argvs.length).toBe(1);
    for (const argv of argvs) expect(() => checkArgv(argv), argv.join(' ')).not.toThrow();
  });

  // Issue 16 item 6: the deployment examples follow docs/collector.md's threat model.
  it('the collector serves TLS with per-probe tokens, reads protected, and probes on HTTPS', () => {
    const docs = parseAllDocuments(readFileSync(join(deployDir, 'kubernetes/collector.yaml'), 'utf8')) as Array<{ toJS(): unknown }>;
    const serve = docs
      .map((d) => d.toJS())
      .flatMap(k8sCommands)
      .find((a) => a[0] === 'serve');
    expect(serve).toBeDefined();
    for (const flag of ['--tls-cert', '--tls-key', '--tokens']) expect(serve).toContain(flag);
    expect(serve).not.toContain('--no-protect-reads');
    const text = readFileSync(join(deployDir, 'kubernetes/collector.yaml'), 'utf8');
    expect(text).toMatch(/livenessProbe:\s*\n\s*httpGet: \{ path: \/healthz, port: https, scheme: HTTPS \}/);
  });

  it('the replicated collector reads its database from a secret and is ready only when the database answers', () => {
    const docs = parseAllDocuments(readFileSync(join(deployDir, 'kubernetes/collector-replicated.yaml'), 'utf8')) as Array<{
      toJS(): unknown;
    }>;
    const values = docs.map(
      (d) =>
        d.toJS() as {
          kind: string;
          spec: {
            replicas?: number;
            template?: {
              spec: {
                containers: Array<{
                  args: string[];
                  env: Array<{ name: string; valueFrom?: unknown }>;
                  readinessProbe: { httpGet: { path: string } };
                }>;
              };
            };
          };
        },
    );
    const deployment = values.find((v) => v.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBeGreaterThan(1);
    const c = deployment.spec.template!.spec.containers[0]!;
    expect(c.env.find((e) => e.name === 'VIRTAX_DB')?.valueFrom).toBeDefined();
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    for (const flag of ['--tls-cert', '--tls-key', '--tokens']) expect(c.args).toContain(flag);
  });

  it('no deploy file puts a token on a command line or sends one over plain http', () => {
    for (const f of filesUnder(deployDir)) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/--token[ ,=]/);
      const urls = [...text.matchAll(/\bhttps?:\/\/[^\s"'<>]+/g)].map((m) => m[0]).filter((u) => !/registry\.example\.com/.test(u));
      for (const u of urls) expect(u, `${f}: ${u}`).toMatch(/^https:/);
    }
  });

  it('each probe pool has its own token secret', () => {
    for (const f of ['kubernetes/probe-jobs.yaml', 'kubernetes/probe-daemonset.yaml']) {
      const text = readFileSync(join(deployDir, f), 'utf8');
      expect(text, f).toContain('virtax-probe-token-metal');
      expect(text, f).toContain('virtax-probe-token-vm');
    }
  });

  it('the checker itself rejects a misspelt flag, an unknown command and a bad choice', () => {
    expect(() => checkArgv(['run', '--uplaod', 'http://x'])).toThrow(/Unknown/);
    expect(() => checkArgv(['serv'])).toThrow();
    expect(() => checkArgv(['run', '--suite', 'huge'])).toThrow(/Invalid values/);
  });
});
