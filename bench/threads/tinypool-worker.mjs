/** The benchmark tasks for tinypool (picked with `run(task, { name })`). */
import Tinypool from 'tinypool';
import { spin } from './spin.mjs';

export const echo = (x) => x;
export const cpu = (ms) => spin(ms);
export const bounce = (buffer) => Tinypool.move(buffer);
