import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';

/**
 * The ids of the states active in `value` (an actor snapshot's `value`, or a top-level state
 * name), outermost first — the ids the charts give their states (`pool.closing`,
 * `pool.closing.draining`). Names the machine does not have are left out.
 */
export function activeStateIds(machine: AnyStateMachine, value: StateValue): string[] {
  const ids: string[] = [];
  const walk = (node: AnyStateNode, at: StateValue): void => {
    if (typeof at === 'string') {
      const child = node.states[at];
      if (child !== undefined) ids.push(child.id);
      return;
    }
    for (const [key, inner] of Object.entries(at)) {
      const child = node.states[key];
      if (child === undefined) continue;
      ids.push(child.id);
      if (inner !== undefined) walk(child, inner);
    }
  };
  walk(machine.root, value);
  return ids;
}
