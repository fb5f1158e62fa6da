/** Keeps the thread busy for `ms` milliseconds of wall time: a CPU-bound task of known length. */
export function spin(ms) {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}
