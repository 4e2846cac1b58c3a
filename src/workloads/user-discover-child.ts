/**
 * The process that loads a user's workload module (forked by `discoverModule` in user-discover.ts): imports the module
 * named in argv[2], answers its tasks over IPC and exits, so a module that hangs, crashes or pollutes globals never
 * touches the probe.
 */
import { discoverHere } from './user.js';

if (process.send) {
  process.on('disconnect', () => process.exit(1));
  const path = process.argv[2] ?? '';
  process.send('ready');
  void discoverHere(path).then((d) => {
    process.send!(d, () => process.exit(0));
  });
}
