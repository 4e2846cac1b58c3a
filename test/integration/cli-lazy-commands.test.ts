/**
 * `virtax <command>` loads only that command's module (src/cli/commands/lazy.ts): every command of the
 * registry (commands/index.ts) has a loader there giving the same definition, and a command line that
 * names one command parses as it does against the full list.
 */
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { commandLoaders, commandName } from '../../src/cli/commands/lazy.js';
import { runCli } from '../helpers/cli.js';

describe('lazy command loading', () => {
  it('every registered command has a loader giving the same definition, and no loader is extra', async () => {
    const names = commands.map(commandName);
    expect(Object.keys(commandLoaders).sort()).toEqual([...names].sort());
    for (const c of commands) {
      const loaded = await (commandLoaders[commandName(c)] as () => Promise<typeof c>)();
      expect(loaded.command).toEqual(c.command);
      expect(loaded.describe).toBe(c.describe);
      expect(loaded.run.toString()).toBe(c.run.toString());
      expect(loaded.builder.toString()).toBe(c.builder.toString());
    }
  });

  it('a named command parses its flags as before; a typo still gets the full list and a suggestion', async () => {
    const bad = await runCli(['report', 'x.json', '--out']);
    expect(bad.code).toBe(2);
    const typo = await runCli(['reprot', 'x.json']);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/report/);
  });
});
