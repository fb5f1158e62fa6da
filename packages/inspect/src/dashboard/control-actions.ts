/** What the page's controls can do to a pool. */
export const ACTIONS = ['pause', 'resume', 'resize', 'close'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * A system's pool is not closed through its own handle: the system would neither restart nor
 * replace it (see the composition guide), so the page offers no `close` for it.
 */
export const SYSTEM_POOL_ACTIONS: readonly Action[] = ['pause', 'resume', 'resize'];
