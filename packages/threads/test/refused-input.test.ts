import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskRejected } from '@troupe/core';
import { Outbox } from '../src/outbox.js';
import { sharedArray } from '../src/protocol.js';
import { BadTransferList, UnknownExport, refusedInput } from '../src/refused-input.js';
import { callExport, transfer } from '../src/transfer.js';

describe('refused inputs', () => {
  const channel = new MessageChannel();
  afterEach(() => {
    channel.port1.close();
  });
  /** What `Outbox.add` throws for `input`, an outbox whose thread listed `exports`. */
  const thrownBy = (input: unknown, exports: string[] = []): unknown => {
    const outbox = new Outbox(channel.port1, sharedArray(), () => undefined);
    outbox.exports = new Set(exports);
    try {
      outbox.add(0, 1, 1, input, false);
    } catch (error) {
      expect(outbox.size).toBe(0); // nothing queued
      return error;
    }
    throw new Error('add did not throw');
  };

  it('a transfer list that is not an array throws a BadTransferList, by name', () => {
    const error = thrownBy(transfer('x', 5 as never));
    expect(error).toBeInstanceOf(BadTransferList);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).name).toBe('BadTransferList');
    expect((error as Error).message).toBe('its transfer list is number, not an array');
  });

  it('an export the thread did not list throws an UnknownExport, by name', () => {
    const error = thrownBy(callExport('blur', 'x'), ['resize']);
    expect(error).toBeInstanceOf(UnknownExport);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).name).toBe('UnknownExport');
    expect((error as UnknownExport).exports).toEqual(['resize']);
  });

  it('each settles its task TaskRejected (invalid-input), saying why', () => {
    const unknown = refusedInput(7, 'file:///w.mjs', new UnknownExport('blur', []), false);
    expect(unknown).toBeInstanceOf(TaskRejected);
    expect(unknown.reason).toBe('invalid-input');
    expect(unknown.message).toBe(
      "task 7 cannot run on worker module file:///w.mjs: it names the export 'blur', which the worker module does not have as a function (its exports: none)",
    );
    const bad = refusedInput(8, 'file:///w.mjs', new BadTransferList(null), true);
    expect(bad.message).toContain('the input of task 8 cannot be sent to a worker thread');
    expect(bad.message).toContain('its transfer list is null, not an array');
    expect(bad.message).toContain('a transfer list an array of transferables');
  });
});
