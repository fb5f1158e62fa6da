/** The pool machine's resize: seats given up or added, and `events$` told what changed. */
import { tellSupervisor } from './pool-machine-supervision.js';
import {
  enqueuePoolActions,
  type PoolContext,
  type PoolMachineEvent,
} from './pool-machine-types.js';

/**
 * Carries out a resize on the seats: when shrinking, gives up seats — a retiring idle worker's
 * first, then seats waiting for a restart (they have no worker), then the engine's picks — and
 * tells `events$` (and the supervisor) what changed. An effect.
 */
function resizeSeats(
  context: PoolContext,
  event: Extract<PoolMachineEvent, { type: 'pool.resize' }>,
  from: number,
): void {
  const { effects } = context;
  const seats = effects.seats;
  let excess = seats.size - event.size;
  if (excess > 0) {
    const retired =
      event.retire !== undefined && seats.has(event.retire) && effects.retireSeat(event.retire)
        ? [event.retire]
        : [];
    excess -= retired.length;
    const live = effects.liveSeats();
    const idle: string[] = [];
    for (const seat of seats.seats()) {
      if (idle.length >= excess) break;
      if (!live.has(seat) && !retired.includes(seat)) idle.push(seat);
    }
    excess -= idle.length;
    const removed = new Set([...retired, ...idle, ...effects.shrink(excess)]);
    for (const seat of removed) {
      seats.removeSeat(seat);
      tellSupervisor(context, { type: 'child.removed', id: seat });
    }
  }
  if (event.size === from) return;
  effects.emit({ type: 'pool.resized', from, to: event.size });
  if (event.because !== undefined) {
    effects.emit({
      type: event.size > from ? 'scale.up' : 'scale.down',
      from,
      to: event.size,
      because: event.because,
      detail: event.detail ?? '',
      dryRun: false,
    });
  }
}

/** A new size (the new seats are filled by `fill`, which follows it). */
export const resize = enqueuePoolActions(({ context, event, enqueue }) => {
  if (event.type !== 'pool.resize') return;
  const from = context.size;
  enqueue(() => resizeSeats(context, event, from));
  // The pool's own sizing does not move the size a new start begins with.
  const requestedSize = event.because === undefined ? event.size : context.requestedSize;
  enqueue.assign({ size: event.size, requestedSize });
});
