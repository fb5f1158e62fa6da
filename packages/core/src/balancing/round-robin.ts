import type { Strategy } from './strategy.js';

/**
 * Each member in turn. Pure: the balancer's decision count is the cursor, so members that
 * drop out and come back do not reset it.
 */
export function roundRobin(): Strategy {
  return (members, _task, { seq }) => seq % members.length;
}
