// Priorities with aging: a flood of urgent work (level 2, more than the pool can do) and one
// low-priority task (level 0). With strict priority the low task starves until the flood ends;
// with aging it rises a level every 100 ms and starts within (3 − 1) × 100 ms plus the urgent
// tasks queued before it. A third task is raised from level 0 to 1 with setPriority.
import { createPool } from '@troupe/core';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const RUN_MS = 8; // one worker: at most 125 tasks/s
const FLOOD_MS = 1_000;

async function flood(aging) {
  const pool = createPool({
    name: aging === undefined ? 'strict' : 'aging',
    size: 1,
    queue: { kind: 'priority', levels: 3, ...(aging === undefined ? {} : { aging }) },
    worker: async (task) => {
      task.startedAt ??= performance.now();
      await sleep(RUN_MS);
      return task.name;
    },
  }).start();
  const t0 = performance.now();
  const pending = [];
  const low = { name: 'low' };
  const report = { name: 'report' };
  // An urgent task every 6 ms (about 160/s) for one second.
  for (let i = 0; performance.now() - t0 < FLOOD_MS; i++) {
    pending.push(pool.submit({ name: `urgent-${i}` }, { priority: 2 }));
    if (i === 10) {
      low.submittedAt = performance.now();
      pending.push(pool.submit(low, { priority: 0 }));
      report.submittedAt = performance.now();
      pending.push(pool.submit(report, { id: 'report', priority: 0 }));
      pool.setPriority('report', 1); // a caller changes its mind: level 1 from now on
    }
    await sleep(6);
  }
  await Promise.all(pending);
  const m = pool.getSnapshot().metrics;
  await pool.close();
  const waited = (task) => `${Math.round(task.startedAt - task.submittedAt)} ms`;
  console.log(
    `${pool.name.padEnd(6)}  low task waited ${waited(low)}, report (0 → 1) ${waited(report)}`,
  );
  for (const level of m.levels) {
    console.log(
      `        level ${level.level}: ${level.wait.count} tasks, wait p50 ${level.wait.p50.toFixed(0)} ms, max ${level.wait.max.toFixed(0)} ms`,
    );
  }
}

console.log(`flood of urgent work for ${FLOOD_MS} ms on one worker`);
await flood(undefined); // strict priority
await flood({ everyMs: 100 }); // bound: (3 − 1) × 100 ms + the urgent tasks queued before it
