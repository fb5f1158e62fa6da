/**
 * Worker threads: Troupe's `fromWorkerThread` against piscina, tinypool and workerpool, each
 * with 2 threads, on the same task modules (bench/threads/*-worker.mjs):
 *
 * - echo: N trivial tasks submitted at once, all awaited (dispatch overhead);
 * - transfer: N tasks each moving a fresh 64 KiB ArrayBuffer to the thread and back;
 * - cpu: tasks of ~1 ms of CPU each: how busy the two threads are kept (N × 1 ms / (2 × wall));
 * - latency: one task at a time (low load), the round trip of each: nothing may wait to coalesce;
 * - mixed: short CPU tasks with a few 100× longer ones, submitted open-loop at a fixed rate (~70 %
 *   of the two threads), the wait of each from submit to the moment its thread starts it.
 *
 * Every library gets a fresh pool per measurement, its garbage collected, then warmed up (threads
 * started, code compiled) before timing, while one idle pool of it stays open through the whole
 * section (see `openResidents`).
 */
import { availableParallelism } from 'node:os';
import { createPool } from '@troupe/core';
import { fromWorkerThread } from '@troupe/threads';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { collectGarbage, median } from './util.mjs';

export const THREADS = 2;
export const ECHO_TASKS = 50_000;
export const TRANSFER_TASKS = 20_000;
export const TRANSFER_BYTES = 64 * 1024;
export const CPU_TASKS = 2_000;
export const CPU_MS = 1;
export const LATENCY_TASKS = 2_000;
/** Tasks in flight per thread for Troupe's coalesced rows, and for "piscina tuned". */
export const TROUPE_CONCURRENCY = 64;
export const PISCINA_TUNED = 16;
/** Tasks in flight per thread for ~1 ms CPU tasks: enough to cover the main thread's turnaround. */
export const TROUPE_CPU_CONCURRENCY = 32;

/** The mixed workload: short tasks of `MIXED_SHORT_MS`, one in `MIXED_LONG_EVERY` 100× longer. */
export const MIXED_SHORT_MS = 0.2;
export const MIXED_LONG_MS = 20;
export const MIXED_LONG_EVERY = 100;
/** Offered load: this share of the two threads' time, from the tasks' mean length. */
export const MIXED_LOAD = 0.7;
/** Submitting for this long (ms); waits of tasks submitted in the first `MIXED_SKIP_MS` are not counted. */
export const MIXED_MS = 4_000;
export const MIXED_SKIP_MS = 1_000;
/** The libraries the mixed workload compares (each under the same schedule of tasks). */
export const MIXED_LIBS = [
  'troupe default',
  'troupe c=1',
  `troupe c=${TROUPE_CONCURRENCY}`,
  'piscina',
];

const file = (name) => new URL(`./threads/${name}`, import.meta.url);

/** A pool as the measurements see it: `run(name, input, transfer?)` and `close()`. */
export const LIBS = {
  'troupe default': () => troupe(undefined),
  'troupe c=1': () => troupe(1),
  [`troupe c=${TROUPE_CPU_CONCURRENCY}`]: () => troupe(TROUPE_CPU_CONCURRENCY),
  [`troupe c=${TROUPE_CONCURRENCY}`]: () => troupe(TROUPE_CONCURRENCY),
  piscina: () => piscina({}),
  [`piscina c=${PISCINA_TUNED}`]: () => piscina({ concurrentTasksPerWorker: PISCINA_TUNED }),
  tinypool: async () => {
    const pool = new Tinypool({
      filename: file('tinypool-worker.mjs').href,
      minThreads: THREADS,
      maxThreads: THREADS,
      isolateWorkers: false,
    });
    return {
      run: (name, input, move) =>
        pool.run(input, move ? { name, transferList: [input] } : { name }),
      close: () => pool.destroy(),
    };
  },
  workerpool: async () => {
    const pool = workerpool.pool(file('workerpool-worker.mjs').pathname, {
      minWorkers: THREADS,
      maxWorkers: THREADS,
      workerType: 'thread',
    });
    return {
      run: (name, input, move) => pool.exec(name, [input], move ? { transfer: [input] } : {}),
      close: () => pool.terminate(),
    };
  },
};

/** Troupe: one fromWorkerThread per task kind (a module export each), all on 2 threads. */
async function troupe(concurrency) {
  const pools = new Map();
  const make = (name) =>
    createPool({
      name,
      worker: fromWorkerThread(
        file('troupe-worker.mjs'),
        concurrency === undefined ? { export: name } : { export: name, concurrency },
      ),
      size: THREADS,
      queue: { capacity: Infinity },
    }).start();
  const get = (name) => {
    let pool = pools.get(name);
    if (pool === undefined) pools.set(name, (pool = make(name)));
    return pool;
  };
  return {
    run: (name, input, move) => get(name).run(move ? transferOf(input) : input),
    close: () => Promise.all([...pools.values()].map((pool) => pool.close())),
  };
}
let transferOf;

async function piscina(extra) {
  const pool = new Piscina({
    filename: file('piscina-worker.mjs').href,
    minThreads: THREADS,
    maxThreads: THREADS,
    ...extra,
  });
  return {
    run: (name, input, move) => pool.run(move ? Piscina.move(input) : input, { name }),
    close: () => pool.destroy(),
  };
}

/**
 * Starts a library's threads and warms them up: `WARM_TASKS` tasks exactly like the ones timed
 * next (same export, same inputs), so that the task and the library's code, in the threads and
 * on the main thread, are compiled for what is measured before timing. V8 optimizes a thread's
 * per-task code only after a few thousand tasks: after 2,000 like these (1,000 a thread), the
 * timed burst of 1 ms tasks still compiled ~30 ms of Troupe's thread code on the two cores
 * (`--trace-opt`), and the threads were ~1 % less busy than after 10,000.
 */
async function warmUp(lib, name, input, move) {
  await Promise.all(Array.from({ length: WARM_TASKS }, (_, i) => lib.run(name, input(i), move)));
}
export const WARM_TASKS = 10_000;

/**
 * Tasks per second for `n` tasks of `name` submitted at once. The garbage is collected before
 * the warm-up, not after it: a forced full GC also drops the optimized code that depends on
 * object shapes no live object has any more (V8 deoptimizes it for "weak objects"), which is
 * every library's per-task objects once a warm-up is over. Collected after the warm-up, the
 * timed run recompiled the main thread's code of every library (~50 ms of compiler threads on
 * the two cores, in Troupe's case).
 */
async function burst(lib, name, n, input, move) {
  collectGarbage();
  await warmUp(lib, name, input, move);
  const started = performance.now();
  const pending = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = lib.run(name, input(i), move);
  const results = await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: n / seconds, seconds, results };
}

/**
 * The median round trip (µs) of `n` echo tasks run one after another, for every library at
 * once: one task of each in turn (the order rotating), so that all of them see the same moments
 * of the machine (a thread's wake-up time varies a lot from one second to the next on a VM).
 */
async function roundTrips(names, n) {
  const libs = [];
  for (const name of names) libs.push(await LIBS[name]());
  try {
    for (const lib of libs) await warmUp(lib, 'echo', (i) => i, false);
    const times = libs.map(() => new Array(n));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < libs.length; k++) {
        const j = (i + k) % libs.length;
        const started = performance.now();
        await libs[j].run('echo', i, false);
        times[j][i] = (performance.now() - started) * 1000;
      }
    }
    return Object.fromEntries(names.map((name, j) => [name, median(times[j])]));
  } finally {
    for (const lib of libs) await lib.close();
  }
}

/**
 * The mixed workload on one library: tasks submitted open-loop (on a 1 ms timer, each batch the
 * tasks due by then; the caller never waits for answers), one in `MIXED_LONG_EVERY` of them long
 * (the same ones for every library: every 100th), at the rate that offers `MIXED_LOAD` of the
 * two threads. A task's wait: from its submit to the moment its thread started it, both read as
 * `performance.timeOrigin + performance.now()`. Returns the wait percentiles (ms) and how busy
 * the threads were kept (the tasks' total length / (2 × the time until the last answer)).
 */
export async function mixed(lib) {
  const mean = MIXED_SHORT_MS + (MIXED_LONG_MS - MIXED_SHORT_MS) / MIXED_LONG_EVERY;
  const perMs = (MIXED_LOAD * THREADS) / mean;
  const total = Math.round(MIXED_MS * perMs);
  collectGarbage();
  await warmUp(lib, 'stamp', () => MIXED_SHORT_MS / 4, false);
  const length = (i) =>
    i % MIXED_LONG_EVERY === MIXED_LONG_EVERY - 1 ? MIXED_LONG_MS : MIXED_SHORT_MS;
  const clock = () => performance.timeOrigin + performance.now();
  const submitted = new Float64Array(total);
  const pending = new Array(total);
  const began = performance.now();
  let next = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - began) * perMs) + 1);
      for (; next < due; next++) {
        submitted[next] = clock();
        pending[next] = lib.run('stamp', length(next), false);
      }
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const started = await Promise.all(pending);
  const seconds = (performance.now() - began) / 1000;
  const skip = Math.round(MIXED_SKIP_MS * perMs);
  const waits = [];
  for (let i = skip; i < total; i++) waits.push(started[i] - submitted[i]);
  waits.sort((a, b) => a - b);
  const at = (q) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))];
  let work = 0;
  for (let i = 0; i < total; i++) work += length(i);
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: waits.at(-1),
    busy: work / 1000 / (THREADS * seconds),
  };
}

export const CASES = {
  echo: async (lib) => {
    const r = await burst(lib, 'echo', ECHO_TASKS, (i) => i, false);
    if (r.results[ECHO_TASKS - 1] !== ECHO_TASKS - 1) throw new Error('echo: wrong answer');
    return r.perSecond;
  },
  transfer: async (lib) => {
    const r = await burst(
      lib,
      'bounce',
      TRANSFER_TASKS,
      () => new ArrayBuffer(TRANSFER_BYTES),
      true,
    );
    if (r.results[0].byteLength !== TRANSFER_BYTES) throw new Error('transfer: wrong answer');
    return r.perSecond;
  },
  cpu: async (lib) => {
    const r = await burst(lib, 'cpu', CPU_TASKS, () => CPU_MS, false);
    return (CPU_TASKS * CPU_MS) / 1000 / (THREADS * r.seconds);
  },
};

/**
 * One pool of every library, open and idle for the whole section, each kind of task run on it a
 * few times: as in an application that uses the library, its objects' shapes stay alive. Without
 * it, the full GC before each measurement also collected the shapes of the closed pools' objects
 * (nothing alive had them), every new pool made them again, and the code optimized in the
 * warm-up deoptimized in the timed burst (`--trace-deopt`: 63 "wrong map" deopts in the timed
 * 1 ms-task bursts of 4 libraries × 4 rounds, against 2 with these pools; Troupe c=32 96.4–96.7 %
 * busy against 97.6–97.9 %, piscina 88.8–90.4 % against 87.1–91.2 %).
 */
async function openResidents(names, residents) {
  for (const name of names) {
    const lib = await LIBS[name]();
    residents.push(lib); // closed by the caller even if what follows fails
    for (const [kind, input, move] of [
      ['echo', () => 1, false],
      ['bounce', () => new ArrayBuffer(8), true],
      ['cpu', () => 0.01, false],
      ...(MIXED_LIBS.includes(name) ? [['stamp', () => 0.01, false]] : []),
    ])
      await Promise.all(Array.from({ length: RESIDENT_TASKS }, () => lib.run(kind, input(), move)));
  }
}
export const RESIDENT_TASKS = 200;

/**
 * Runs every case on every library, `rounds` times (the order of the libraries rotating from
 * round to round), after one untimed warm-up round, with one idle pool of each library open
 * throughout (see `openResidents`). Returns the medians and every sample.
 */
export async function measureThreads({ rounds, log }) {
  ({ transfer: transferOf } = await import('@troupe/threads').then((m) => ({
    transfer: (buffer) => m.transfer(buffer, [buffer]),
  })));
  const names = Object.keys(LIBS);
  const residents = [];
  try {
    await openResidents(names, residents);
    return await measureAll(names, rounds, log);
  } finally {
    for (const lib of residents) await lib.close();
  }
}

async function measureAll(names, rounds, log) {
  const samples = Object.fromEntries(
    [...Object.keys(CASES), 'latency'].map((id) => [
      id,
      Object.fromEntries(names.map((n) => [n, []])),
    ]),
  );
  samples.mixed = Object.fromEntries(MIXED_LIBS.map((n) => [n, []]));
  for (let round = 0; round <= rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const [id, measure] of Object.entries(CASES)) {
      for (const name of order) {
        const lib = await LIBS[name]();
        try {
          const value = await measure(lib);
          if (round > 0) samples[id][name].push(value);
        } finally {
          await lib.close();
        }
      }
      if (round > 0)
        log(
          `threads round ${round}/${rounds} ${id}: ${names.map((n) => `${n} ${samples[id][n].at(-1).toFixed(id === 'cpu' ? 3 : 0)}`).join(', ')}`,
        );
    }
    for (const name of order.filter((n) => MIXED_LIBS.includes(n))) {
      const lib = await LIBS[name]();
      try {
        const value = await mixed(lib);
        if (round > 0) samples.mixed[name].push(value);
      } finally {
        await lib.close();
      }
    }
    if (round > 0)
      log(
        `threads round ${round}/${rounds} mixed wait p50/p99: ${MIXED_LIBS.map((n) => `${n} ${samples.mixed[n].at(-1).p50.toFixed(2)}/${samples.mixed[n].at(-1).p99.toFixed(2)} ms (busy ${(100 * samples.mixed[n].at(-1).busy).toFixed(1)} %)`).join(', ')}`,
      );
    const latency = await roundTrips(order, round === 0 ? 200 : LATENCY_TASKS);
    if (round > 0) {
      for (const name of names) samples.latency[name].push(latency[name]);
      log(
        `threads round ${round}/${rounds} latency: ${names.map((n) => `${n} ${latency[n].toFixed(0)} µs`).join(', ')}`,
      );
    }
  }
  const medians = Object.fromEntries(
    Object.entries(samples)
      .filter(([id]) => id !== 'mixed')
      .map(([id, byLib]) => [
        id,
        Object.fromEntries(Object.entries(byLib).map(([n, xs]) => [n, median(xs)])),
      ]),
  );
  // Each figure of the mixed workload its own median over the rounds.
  medians.mixed = Object.fromEntries(
    MIXED_LIBS.map((n) => [
      n,
      Object.fromEntries(
        ['p50', 'p99', 'max', 'busy'].map((k) => [k, median(samples.mixed[n].map((s) => s[k]))]),
      ),
    ]),
  );
  return { threads: THREADS, cores: availableParallelism(), medians, samples };
}
