// The worker module: plain functions, run on worker threads. `ctx.signal` aborts when the task
// is cancelled; `ctx.transfer` moves buffers back instead of copying them.
import { createHash } from 'node:crypto';

/**
 * Hashes a block of bytes `rounds` times over, each round chained to the last (CPU-bound: a
 * stand-in for image or parsing work).
 */
export function digest({ bytes, rounds }, ctx) {
  let hash = Buffer.alloc(0);
  for (let i = 0; i < rounds; i++) {
    if (i % 8 === 0 && ctx.signal.aborted) throw ctx.signal.reason;
    hash = createHash('sha256').update(hash).update(bytes).digest();
  }
  // A fresh buffer with just the digest, moved (not copied) back to the pool.
  const out = new Uint8Array(hash).buffer;
  return ctx.transfer(out, [out]);
}
