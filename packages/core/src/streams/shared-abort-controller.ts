/** What `sharedAbortController` uses of `node:events`. */
interface NodeEvents {
  setMaxListeners(n: number, ...targets: EventTarget[]): void;
}

/**
 * An `AbortController` whose signal many tasks listen to at once: `through` gives one signal to
 * every task in its window, and each may listen at every layer it passes (a balancer's held
 * queue, a batcher, a pool's door). Node warns of a leak past 10 listeners on one signal; here
 * there is none to warn of (each listener goes when its task settles), so the limit is lifted.
 * Where there is no `node:events` it is a plain `AbortController`.
 */
export function sharedAbortController(): AbortController {
  const controller = new AbortController();
  const host = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const events = host.process?.getBuiltinModule?.('node:events') as NodeEvents | undefined;
  events?.setMaxListeners(0, controller.signal);
  return controller;
}
