/**
 * The least a concurrency limiter can do: a FIFO of waiting calls (an array and a head index)
 * and a count of running ones. No metrics, no cancellation, no timeouts, no result wrapping;
 * a rejection is passed on as it is. Not a peer: the reference for what any limiter could reach
 * on a row in the same run (the rest of the time is the task, its promises and the event loop),
 * so that a target set against p-queue can be read against it.
 */
export function bareLimiter(concurrency) {
  const waiting = [];
  let head = 0;
  let running = 0;
  const next = () => {
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
      return;
    }
    const call = waiting[head];
    waiting[head++] = undefined;
    running++;
    call.fn().then(
      (value) => {
        running--;
        call.resolve(value);
        next();
      },
      (error) => {
        running--;
        call.reject(error);
        next();
      },
    );
  };
  return (fn) =>
    new Promise((resolve, reject) => {
      waiting.push({ fn, resolve, reject });
      if (running < concurrency) next();
    });
}
