/** The benchmark tasks as a Troupe thread module (one named export per task). */
import { spin } from './spin.mjs';

export const echo = (x) => x;
export const cpu = (ms) => spin(ms);
/** Takes a buffer and moves it back. */
export const bounce = (buffer, ctx) => ctx.transfer(buffer, [buffer]);
