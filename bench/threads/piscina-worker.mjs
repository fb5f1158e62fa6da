/** The benchmark tasks for piscina (picked with `run(task, { name })`). */
import { move } from 'piscina';
import { spin } from './spin.mjs';

export const echo = (x) => x;
export const cpu = (ms) => spin(ms);
export const bounce = (buffer) => move(buffer);
/** Spins `ms` and answers when it started, on the clock the main thread reads (for waits). */
export const stamp = (ms) => {
  const at = performance.timeOrigin + performance.now();
  spin(ms);
  return at;
};
