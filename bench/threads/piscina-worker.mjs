/** The benchmark tasks for piscina (picked with `run(task, { name })`). */
import { move } from 'piscina';
import { spin } from './spin.mjs';

export const echo = (x) => x;
export const cpu = (ms) => spin(ms);
export const bounce = (buffer) => move(buffer);
