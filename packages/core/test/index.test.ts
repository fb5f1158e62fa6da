/** The package's public surface: what `@troupe/core` exports, and what it keeps to itself. */
import { expect, it } from 'vitest';
import * as core from '@troupe/core';

it('keeps the queue classes private (the backlog relies on their internals)', () => {
  const exported = Object.keys(core);
  for (const name of ['FifoQueue', 'PriorityQueue']) expect(exported).not.toContain(name);
  expect(exported).toContain('createPool');
});
