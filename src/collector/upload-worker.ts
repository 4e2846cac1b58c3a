/**
 * Worker thread of the collector's upload checks (upload-check.ts, run through WorkerQueue in renderer.ts):
 * takes an upload's bytes (moved here, not copied), answers with the verdict and, when valid, the stored
 * form's bytes (moved back). The parsed object never leaves this thread.
 */
import { parentPort } from 'node:worker_threads';
import type { RenderReply } from './renderer.js';
import { checkUpload, type UploadCheck } from './upload-check.js';
import type { ShapeLimits } from './validate.js';

/** One upload to check: its bytes, already shape-scanned as they arrived. */
export interface UploadJob {
  body: Uint8Array;
  limits: ShapeLimits;
}

parentPort?.on('message', (msg: { seq: number; job: UploadJob }) => {
  let reply: RenderReply<UploadCheck>;
  const transfer: ArrayBuffer[] = [];
  try {
    const check = checkUpload(msg.job.body, msg.job.limits, true);
    if (check.ok) {
      // Exactly its own bytes, so the whole buffer can move (a small Buffer may share Node's pool).
      const t = check.result.text;
      const own = t.byteOffset === 0 && t.byteLength === t.buffer.byteLength ? t : new Uint8Array(t);
      check.result.text = own;
      transfer.push(own.buffer as ArrayBuffer);
    }
    reply = { seq: msg.seq, ok: true, text: check };
  } catch (e) {
    reply = { seq: msg.seq, ok: false, error: e instanceof Error ? (e.message.split('\n')[0] ?? 'error') : String(e) };
  }
  parentPort?.postMessage(reply, transfer);
});
