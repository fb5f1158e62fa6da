import type { Worker } from 'node:worker_threads';

/**
 * Terminates `worker`, waiting at most `timeoutMs` (`Infinity`: as long as it takes). Resolves
 * `true` when it gave up waiting: the thread may live on, leaked. The timer does not keep the
 * process alive.
 */
export async function terminateWithin(worker: Worker, timeoutMs: number): Promise<boolean> {
  const terminated = worker.terminate().then(
    () => false,
    () => false,
  );
  if (timeoutMs === Infinity) return terminated;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, true);
    timer.unref();
  });
  const leaked = await Promise.race([terminated, gaveUp]);
  clearTimeout(timer);
  return leaked;
}
