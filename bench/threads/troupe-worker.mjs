/** The benchmark tasks as a Troupe thread module (one named export per task). */
import { spin } from './spin.mjs';

export const echo = (x) => x;
export const cpu = (ms) => spin(ms);
/** Takes a buffer and moves it back. */
export const bounce = (buffer, ctx) => ctx.transfer(buffer, [buffer]);
/** Spins `ms` and answers when it started, on the clock the main thread reads (for waits). */
export const stamp = (ms) => {
  const at = performance.timeOrigin + performance.now();
  spin(ms);
  return at;
};
