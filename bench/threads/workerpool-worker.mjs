/** The benchmark tasks for workerpool (picked with `exec(name, [task])`). */
import workerpool from 'workerpool';
import { spin } from './spin.mjs';

workerpool.worker({
  echo: (x) => x,
  cpu: (ms) => spin(ms),
  bounce: (buffer) => new workerpool.Transfer(buffer, [buffer]),
});
