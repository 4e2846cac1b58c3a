/** `virtax record [--seconds N] [--out app.json] [--syscalls] -- CMD ARGS...` or `--pid PID`: an application's operation mix. */
import { fingerprint } from '../../probes/host/fingerprint.js';
import { recordApp } from '../../probes/record/record.js';
import type { AppProfile } from '../../results/app-profile.js';
import { writeFileAtomic } from '../../results/io.js';
import type { CliCommand } from '../command.js';

interface RecordArgs {
  _: (string | number)[];
  cmd?: string[];
  pid?: number;
  seconds?: number;
  interval: number;
  syscalls?: boolean;
  name?: string;
  out?: string;
  json?: boolean;
}

export function formatAppProfile(p: AppProfile, out: string | undefined): string {
  const r = p.rates;
  const t = p.totals;
  const lines = [
    `${p.name}: ${p.wallSeconds.toFixed(2)} s wall, ${p.ownSeconds.toFixed(2)} s own${p.exitCode !== null ? `, exit ${p.exitCode}` : ''}${p.method.syscalls ? ', syscall mix from strace' : ''}`,
    `  cpu            ${t.cpuUserSeconds.toFixed(2)} s user, ${t.cpuSystemSeconds.toFixed(2)} s system (${r.cpu.toFixed(2)} CPU s/s user)`,
    `  page faults    ${t.minorFaults} minor, ${t.majorFaults} major (${r['page-fault'].toFixed(0)}/s)`,
    `  read/write     ${t.readSyscalls + t.writeSyscalls} calls (${r['read-write'].toFixed(0)}/s), ${t.readBytes + t.writeBytes} bytes`,
    `  stat           ${r.stat.toFixed(0)}/s    clock (trapped) ${r.clock.toFixed(0)}/s    fsync ${r.fsync.toFixed(0)}/s    other syscalls ${r['other-syscall'].toFixed(0)}/s`,
    `  processes      ${t.processes} (${r.spawn.toFixed(1)}/s)    context switches ${t.voluntarySwitches} voluntary, ${t.involuntarySwitches} involuntary    run-queue wait ${t.runDelaySeconds.toFixed(3)} s`,
    ...p.method.notes.map((n) => `  note: ${n}`),
  ];
  if (out) lines.push(`wrote ${out}   next: virtax advise BASE.json HOST.json --app ${out}`);
  return lines.join('\n');
}

export const recordCommand: CliCommand = {
  command: 'record [cmd..]',
  describe: "Record an application's operation mix (CPU, faults, syscalls, spawns, switches) for advise --app",
  builder: (y) =>
    y
      .positional('cmd', { type: 'string', array: true, describe: 'The command to run and record, after --' })
      .option('pid', { type: 'number', describe: 'Attach to a running process and its children instead (needs --seconds)' })
      .option('seconds', { type: 'number', describe: 'Stop after N seconds (a started command gets SIGTERM)' })
      .option('interval', { type: 'number', default: 100, describe: 'Sampling interval of context switches and run-queue delay, ms' })
      .option('syscalls', { type: 'boolean', describe: 'Also record the full syscall mix with strace -c -f (a second, traced run)' })
      .option('name', { type: 'string', describe: 'Name of the application (default: the command)' })
      .option('out', { type: 'string', describe: 'Write the application profile here (schema/app-profile.v1.json)' })
      .option('json', { type: 'boolean', describe: 'Print the profile as JSON on stdout' })
      .example('virtax record --syscalls --out app.json -- node server.js', 'record a command until it exits, with its syscall mix')
      .example('virtax record --pid 4242 --seconds 30 --out db.json', 'watch a running process tree for 30 s')
      .example('virtax advise metal.json gvisor.json --app app.json', 'predict what each platform costs this application'),
  run: async (args: RecordArgs) => {
    const command = [...(args.cmd ?? []), ...args._.slice(1).map(String)];
    const f = await fingerprint();
    const profile = await recordApp({
      ...(command.length ? { command } : {}),
      ...(args.pid !== undefined ? { pid: args.pid } : {}),
      ...(args.seconds !== undefined ? { seconds: args.seconds } : {}),
      intervalMs: args.interval,
      ...(args.syscalls ? { syscalls: true } : {}),
      ...(args.name ? { name: args.name } : {}),
      stdout: 'stderr',
      host: { hostname: f.hostname, kernel: f.kernel, platform: f.platform },
    });
    if (args.out) writeFileAtomic(args.out, `${JSON.stringify(profile, null, 2)}\n`);
    process.stdout.write(args.json ? `${JSON.stringify(profile, null, 2)}\n` : `${formatAppProfile(profile, args.out)}\n`);
    return 0;
  },
};
