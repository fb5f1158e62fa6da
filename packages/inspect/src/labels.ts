import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * Readable words for what XState names internally: a chart shows `done: setupWorker`, not
 * `xstate.done.actor.0.worker.starting`, and `after 5000 ms`, not `xstate.after.5000.x.a`.
 */

const DONE_ACTOR = 'xstate.done.actor.';
const ERROR_ACTOR = 'xstate.error.actor.';
const SNAPSHOT = 'xstate.snapshot.';
const DONE_STATE = 'xstate.done.state.';
const AFTER = 'xstate.after.';

/** The name of an invoked actor: its own id if it was given one, else its `src`. */
export function invokeName(node: AnyStateNode, index: number): string {
  const configs = toArray(node.config.invoke) as readonly { id?: unknown; src?: unknown }[];
  const config = configs[index];
  if (typeof config?.id === 'string') return config.id;
  const src = config?.src;
  if (typeof src === 'string') return src;
  // Inline logic: a machine has an id; a promise or callback has no name of its own.
  const logicId = (src as { id?: unknown } | undefined)?.id;
  return typeof logicId === 'string' && logicId !== '' ? logicId : 'actor';
}

/** The names of every invoked actor of a machine, by the id XState gives it. */
export function invokeNames(root: AnyStateNode): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  const visit = (node: AnyStateNode): void => {
    node.invoke.forEach((invoke, index) => names.set(invoke.id, invokeName(node, index)));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(root);
  return names;
}

/** `after 5000 ms`, or `after cooldown` for a named delay. */
export function delayLabel(delay: unknown): string {
  if (typeof delay === 'number') return `after ${delay} ms`;
  if (typeof delay === 'string')
    return /^\d+(\.\d+)?$/.test(delay) ? `after ${delay} ms` : `after ${delay}`;
  return 'after delay';
}

/** What triggers a transition, in words (the guard is apart: see `transitionLabel`). */
export function eventLabel(
  transition: AnyTransitionDefinition,
  invokes: ReadonlyMap<string, string>,
): string {
  const type = transition.eventType as string;
  if ('delay' in transition) return delayLabel((transition as { delay: unknown }).delay);
  if (type === '') return 'always';
  const actor = (prefix: string, word: string): string | undefined => {
    if (!type.startsWith(prefix)) return undefined;
    const id = type.slice(prefix.length);
    return `${word}: ${invokes.get(id) ?? id}`;
  };
  const named =
    actor(DONE_ACTOR, 'done') ?? actor(ERROR_ACTOR, 'error') ?? actor(SNAPSHOT, 'snapshot');
  if (named !== undefined) return named;
  if (type.startsWith(DONE_STATE)) {
    const stateId = type.slice(DONE_STATE.length);
    if (stateId === transition.source.id) return 'done';
    return `done: ${stateId.slice(stateId.lastIndexOf('.') + 1)}`;
  }
  if (type.startsWith(AFTER)) return delayLabel(type.slice(AFTER.length).split('.')[0]);
  return type;
}

/** A guard's name: `allReady`, `!allReady`, `a && b`, `in closing`; `guard` for an inline one. */
export function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null) {
    const type = (guard as { type?: unknown }).type;
    return typeof type === 'string' ? type : 'guard';
  }
  if (typeof guard !== 'function') return 'guard';
  const fn = guard as { name: string; guards?: unknown; stateValue?: unknown };
  if (Array.isArray(fn.guards)) {
    const parts = fn.guards.map(guardLabel);
    if (fn.name === 'not') return `!${parts[0] ?? 'guard'}`;
    if (fn.name === 'and' || fn.name === 'or')
      return `(${parts.join(fn.name === 'and' ? ' && ' : ' || ')})`;
  }
  if (fn.stateValue !== undefined) {
    const value = fn.stateValue;
    return `in ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return fn.name === '' ? 'guard' : fn.name;
}

/** `event`, or `event [guard]`. */
export function transitionLabel(
  transition: AnyTransitionDefinition,
  invokes: ReadonlyMap<string, string>,
): string {
  const event = eventLabel(transition, invokes);
  return transition.guard === undefined ? event : `${event} [${guardLabel(transition.guard)}]`;
}

function toArray(value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
