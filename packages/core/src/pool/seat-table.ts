import type { AnyActorRef } from 'xstate';

/** A live worker actor and the seat it fills. */
interface Seated {
  readonly ref: AnyActorRef;
  readonly seat: string;
}

/**
 * A pool's seats and worker actors. One mutable object, changed in place: copying records on
 * every worker event made start and close quadratic in the pool's size (10,000 workers took a
 * minute). So it is not the pool machine's context: the engine keeps it and hands it to the
 * machine with its effects (`PoolEffects.seats`), whose guards read it and whose effect actions
 * change it. Every operation here is O(1) but `clear` and the listings.
 */
export class SeatTable {
  /** The places the pool keeps a worker in, in start order (the supervisor's children). */
  readonly #seats = new Set<string>();
  /** How many workers each current seat has had. */
  readonly #generations = new Map<string, number>();
  /** Worker actors not yet stopped, by worker id. */
  readonly #workers = new Map<string, Seated>();
  /** Seats ever made: a seat's name is never used twice, across starts of the pool too. */
  #made = 0;

  /** Seats now. */
  get size(): number {
    return this.#seats.size;
  }

  /** Worker actors not yet stopped. */
  get workerCount(): number {
    return this.#workers.size;
  }

  has(seat: string): boolean {
    return this.#seats.has(seat);
  }

  /** The seats in start order. */
  seats(): IterableIterator<string> {
    return this.#seats.values();
  }

  /** The only seat, when there is exactly one. */
  soleSeat(): string | undefined {
    return this.#seats.size === 1 ? this.#seats.values().next().value : undefined;
  }

  /** The name the `k`-th seat made from now will have (`k` from 1). */
  upcomingSeat(pool: string, k = 1): string {
    return `${pool}-w${this.#made + k}`;
  }

  /** Makes a new seat (named after the pool) and returns it. */
  addSeat(pool: string): string {
    const seat = this.upcomingSeat(pool);
    this.#made++;
    this.#seats.add(seat);
    this.#generations.set(seat, 0);
    return seat;
  }

  /** Gives a seat up: it gets no more workers (one still on it stops by itself). */
  removeSeat(seat: string): boolean {
    this.#generations.delete(seat);
    return this.#seats.delete(seat);
  }

  /** The id of the next worker on `seat` (its first keeps the seat's name) and its generation. */
  upcomingWorker(seat: string): { id: string; generation: number } {
    const generation = (this.#generations.get(seat) ?? 0) + 1;
    return { id: generation === 1 ? seat : `${seat}-r${generation - 1}`, generation };
  }

  /** The next worker on `seat` (see `upcomingWorker`), counted as started. */
  nextWorker(seat: string): { id: string; generation: number } {
    const next = this.upcomingWorker(seat);
    this.#generations.set(seat, next.generation);
    return next;
  }

  addWorker(id: string, seat: string, ref: AnyActorRef): void {
    this.#workers.set(id, { ref, seat });
  }

  /** The seat a live worker fills. */
  seatOf(id: string): string | undefined {
    return this.#workers.get(id)?.seat;
  }

  /** The actor of a live worker. */
  workerOf(id: string): AnyActorRef | undefined {
    return this.#workers.get(id)?.ref;
  }

  /** Every worker actor not yet stopped. */
  workerRefs(): AnyActorRef[] {
    return Array.from(this.#workers.values(), (seated) => seated.ref);
  }

  /** Forgets a worker (it stopped); returns its actor. */
  removeWorker(id: string): AnyActorRef | undefined {
    const seated = this.#workers.get(id);
    this.#workers.delete(id);
    return seated?.ref;
  }

  /** Forgets every worker at once. */
  clearWorkers(): void {
    this.#workers.clear();
  }

  /** A new life of the pool: no seats yet (workers of the last life may still be stopping). */
  clearSeats(): void {
    this.#seats.clear();
    this.#generations.clear();
  }
}
