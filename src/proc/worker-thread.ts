/**
 * Starting a worker thread on one of virtax's own modules (the collector's page renderer, the analysis
 * pipeline's comparison workers): from dist/ the .js module beside the caller; from source (tsx, vitest) a
 * small bootstrap registers tsx inside the worker first, since loader hooks do not reach worker threads on
 * Node 20. The thread counterpart of node-child.ts.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker running module `name` in the folder of `from` (the caller's import.meta.url), .ts or .js as we run. */
export function startModuleWorker(name: string, from: string, options: WorkerOptions = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  // The ESM entry of tsx's API, found through the CommonJS one (require.resolve takes the require condition).
  const api = pathToFileURL(
    createRequire(from)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL(`./${name}.ts`, from).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
