/**
 * The XState floor of a pool: its pool actor (`poolMachine`) and worker actors, driven by the
 * machines alone over a stub engine that runs nothing. What a pool of `size` workers costs in
 * actors and their events, before any task: no Troupe pool can start for less with an actor per
 * pool and per worker. Public API only (`poolMachine`); the stub implements `PoolEffects` as the
 * pool machine's tests do.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { poolMachine } from '@troupe/core';

// XState as @troupe/core has it (the workspace root does not depend on it itself).
const { createActor } = createRequire(fileURLToPath(import.meta.resolve('@troupe/core')))('xstate');

/** The seats and worker actors the machine keeps in its effects (as the engine's `SeatTable`). */
class Seats {
  #seats = new Set();
  #generations = new Map();
  #workers = new Map();
  #made = 0;
  get size() {
    return this.#seats.size;
  }
  get workerCount() {
    return this.#workers.size;
  }
  has(seat) {
    return this.#seats.has(seat);
  }
  seats() {
    return this.#seats.values();
  }
  soleSeat() {
    return this.#seats.size === 1 ? this.#seats.values().next().value : undefined;
  }
  upcomingSeat(pool, k = 1) {
    return `${pool}-w${this.#made + k}`;
  }
  addSeat(pool) {
    const seat = this.upcomingSeat(pool);
    this.#made++;
    this.#seats.add(seat);
    this.#generations.set(seat, 0);
    return seat;
  }
  removeSeat(seat) {
    this.#generations.delete(seat);
    return this.#seats.delete(seat);
  }
  upcomingWorker(seat) {
    const generation = (this.#generations.get(seat) ?? 0) + 1;
    return { id: generation === 1 ? seat : `${seat}-r${generation - 1}`, generation };
  }
  nextWorker(seat) {
    const next = this.upcomingWorker(seat);
    this.#generations.set(seat, next.generation);
    return next;
  }
  addWorker(id, seat, ref) {
    this.#workers.set(id, { ref, seat });
  }
  seatOf(id) {
    return this.#workers.get(id)?.seat;
  }
  workerOf(id) {
    return this.#workers.get(id)?.ref;
  }
  workerRefs() {
    return Array.from(this.#workers.values(), (seated) => seated.ref);
  }
  removeWorker(id) {
    const ref = this.#workers.get(id)?.ref;
    this.#workers.delete(id);
    return ref;
  }
  clearWorkers() {
    this.#workers.clear();
  }
  clearSeats() {
    this.#seats.clear();
    this.#generations.clear();
  }
}

/** A stub engine: it counts ready workers and does nothing else (methods on its prototype, as an engine's are). */
class StubEffects {
  seats = new Seats();
  #ready = 0;
  ready() {
    this.#ready++;
  }
  readyCount() {
    return this.#ready;
  }
  whenIdle() {
    return Promise.resolve();
  }
  crashed() {
    return true;
  }
  mayBeEmpty() {
    return false;
  }
  liveSeats() {
    return new Set();
  }
  workerRoom() {
    return Infinity;
  }
  retireSeat() {
    return false;
  }
  shrink() {
    return [];
  }
  startingWorkers() {
    return [];
  }
}
for (const name of [
  'open',
  'refuse',
  'abortAll',
  'rejectQueued',
  'emit',
  'attach',
  'replacing',
  'stopped',
  'lateTeardownFailed',
  'stopSeat',
  'stopAll',
  'forget',
  'abandonStarting',
  'reportStrayAnswer',
  'countLate',
  'requeueRun',
  'limitLanes',
  'giveBack',
])
  StubEffects.prototype[name] = () => undefined;

/** The options of every floor pool: a pool's defaults, resolved once. */
const supervision = {
  strategy: 'one-for-one',
  restart: 'permanent',
  maxRestarts: 5,
  withinMs: 10_000,
  backoff: { minMs: 10, maxMs: 5_000, factor: 2, jitter: 0.2, base: () => 10, delay: () => 10 },
  resetAfterMs: 10_000,
  setupTimeoutMs: Infinity,
  timeouts: 'fail-task',
};
const clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

/**
 * A pool's actors alone, as the many-pools child drives a pool: `start()`, `run(x)` (resolves
 * with `x` once the pool actor is `running`: there is no engine to run it), `close()` (stops the
 * actor tree), `getSnapshot().state`.
 */
export function floorPool({ worker, size }) {
  const actor = createActor(poolMachine, {
    id: 'pool',
    clock,
    input: {
      name: 'pool',
      size,
      logic: { kind: 'async', run: worker },
      effects: new StubEffects(),
      clock,
      supervision,
      random: Math.random,
    },
  }).start();
  let stopped = false;
  const state = () => (stopped ? 'stopped' : actor.getSnapshot().value);
  return {
    start() {
      actor.send({ type: 'pool.start' });
      return this;
    },
    run(x) {
      if (state() === 'running') return Promise.resolve(x);
      return new Promise((resolve) => {
        const subscription = actor.subscribe(() => {
          if (state() !== 'running') return;
          subscription.unsubscribe();
          resolve(x);
        });
      });
    },
    close() {
      stopped = true;
      actor.stop();
      return Promise.resolve();
    },
    getSnapshot: () => ({ state: state() }),
  };
}
