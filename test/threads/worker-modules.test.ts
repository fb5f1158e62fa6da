/**
 * Worker modules as people write them, against real threads: CommonJS (`module.exports = fn`,
 * TypeScript's `exports.default = fn`, named exports), ESM default and named, an export that is
 * a promise of its handler, several exports of one module on one pool (`callExport`), and the
 * thread's `env`, `argv` and `execArgv`. Real time: the threads are real; each wait is for a
 * task's answer, never a sleep.
 */
import { describe, expect, it } from 'vitest';
import { SHARE_ENV } from 'node:worker_threads';
import { createPool, InvalidOptionError, isErr, TaskFailed } from '@troupe/core';
import { callExport, fromWorkerThread, transfer } from '@troupe/threads';
import { expectNoThreadLeftAfterAll, fixture } from './support/threads.js';

expectNoThreadLeftAfterAll();

const modules = (name: string): URL => fixture(`modules/${name}`);

/** Runs `inputs` one after another on a one-thread pool of `module`'s `exportName`, then closes it. */
async function runOn(
  module: URL,
  exportName: string | undefined,
  inputs: unknown[],
  extra: Record<string, unknown> = {},
): Promise<unknown[]> {
  const pool = createPool({
    worker: fromWorkerThread<unknown, unknown>(module, {
      ...(exportName === undefined ? {} : { export: exportName }),
      ...extra,
    }),
  }).start();
  try {
    const outputs: unknown[] = [];
    for (const input of inputs) outputs.push(await pool.run(input));
    return outputs;
  } finally {
    await pool.close();
  }
}

describe('module shapes', () => {
  const shapes: [string, URL, string | undefined, unknown, unknown][] = [
    ['CommonJS module.exports = fn (.cjs)', modules('cjs-default.cjs'), undefined, 4, 8],
    [
      "TypeScript's CommonJS exports.default = fn (__esModule)",
      modules('ts-cjs/task.js'),
      undefined,
      4,
      12,
    ],
    ["TypeScript's CommonJS named export", modules('ts-cjs/task.js'), 'negate', 4, -4],
    ['CommonJS exports.hash = fn', modules('cjs-named.cjs'), 'hash', 'a', 'hash:a'],
    [
      'CommonJS export Node does not list (Object.assign)',
      modules('cjs-named.cjs'),
      'shout',
      'a',
      'A',
    ],
    ['ESM default', modules('esm-shapes.mjs'), undefined, 'x', 'x'],
    ['ESM named', modules('esm-shapes.mjs'), 'add', [2, 3], 5],
    ['ESM named promise of a handler', modules('esm-shapes.mjs'), 'square', 7, 49],
    ['a default that is import() of a module', modules('promise-namespace.mjs'), undefined, 5, 10],
  ];
  it.each(shapes)('runs %s', async (_, module, exportName, input, output) => {
    await expect(runOn(module, exportName, [input])).resolves.toEqual([output]);
  });

  it('awaits a default export that is a promise of a handler once, at load', async () => {
    const outputs = await runOn(modules('promise-default.mjs'), undefined, [1, 2, 3], {
      workerData: { offset: 10 },
    });
    expect(outputs).toEqual([
      { value: 11, loads: 1 },
      { value: 12, loads: 1 },
      { value: 13, loads: 1 },
    ]);
  });
});

describe('several exports on one pool: callExport(name, input)', () => {
  it('runs the named export per task, the `export` option for plain inputs, on the same thread', async () => {
    const pool = createPool({
      worker: fromWorkerThread<unknown, unknown>(modules('esm-shapes.mjs'), { concurrency: 8 }),
    }).start();
    const outputs = await Promise.all([
      pool.run('plain'),
      pool.run(callExport('add', [1, 2])),
      pool.run(callExport('square', 3)),
      pool.run(callExport('default', 'named default')),
      pool.run(callExport('square', 4)),
    ]);
    expect(outputs).toEqual(['plain', 3, 9, 'named default', 16]);
    expect(pool.getSnapshot().metrics.crashes).toBe(0);
    await pool.close();
  });

  it('calls CommonJS exports, and combines with transfer either way round', async () => {
    const pool = createPool({
      worker: fromWorkerThread<unknown, unknown>(modules('cjs-named.cjs'), { export: 'hash' }),
    }).start();
    await expect(pool.run(callExport('shout', 'hey'))).resolves.toBe('HEY');
    const a = new Uint8Array(3);
    await expect(pool.run(callExport('length', transfer('abcd', [a.buffer])))).resolves.toBe(4);
    expect(a.byteLength).toBe(0);
    const b = new Uint8Array(3);
    await expect(pool.run(transfer(callExport('length', 'ab'), [b.buffer]))).resolves.toBe(2);
    expect(b.byteLength).toBe(0);
    await pool.close();

    const fnPool = createPool({
      worker: fromWorkerThread<number, number>(modules('cjs-default.cjs')),
    }).start();
    await expect(fnPool.run(callExport('half', 8))).resolves.toBe(4);
    await expect(fnPool.run(8)).resolves.toBe(16);
    await fnPool.close();
  });

  it('refuses an export the module does not have as a function: TaskRejected naming it and the exports', async () => {
    const pool = createPool({
      worker: fromWorkerThread<unknown, unknown>(modules('esm-shapes.mjs')),
    }).start();
    for (const name of ['missing', 'answer']) {
      const result = await pool.submit(callExport(name, 1));
      expect(isErr(result) && result.left).toMatchObject({
        _tag: 'TaskRejected',
        reason: 'invalid-input',
      });
      const message = isErr(result) ? result.left.message : '';
      expect(message).toContain(`'${name}'`);
      expect(message).toMatch(/esm-shapes\.mjs/);
      expect(message).toMatch(/its exports: add, default, square/);
    }
    // The thread never saw them: it still runs.
    await expect(pool.run(callExport('add', [4, 5]))).resolves.toBe(9);
    expect(pool.getSnapshot().metrics.crashes).toBe(0);
    await pool.close();
  });

  it('a promise export that resolves to no function fails its task, not the thread', async () => {
    const pool = createPool({
      worker: fromWorkerThread<unknown, unknown>(
        `data:text/javascript,export default (n) => n; export const later = Promise.resolve(5);`,
      ),
    }).start();
    const result = await pool.submit(callExport('later', 1));
    expect(isErr(result) && result.left).toBeInstanceOf(TaskFailed);
    expect(isErr(result) && (result.left.cause as Error).message).toMatch(
      /export 'later' resolved to number/,
    );
    await expect(pool.run(1)).resolves.toBe(1);
    await pool.close();
  });

  it('checks the name at the call', () => {
    expect(() => callExport('', 1)).toThrow(InvalidOptionError);
    expect(() => callExport(5 as unknown as string, 1)).toThrow(/`export`/);
  });
});

describe('env, argv and execArgv of the threads', () => {
  const environment = modules('environment.mjs');

  it('gives each thread the env, argv and execArgv asked for', async () => {
    const [seen] = await runOn(environment, undefined, [['TROUPE_A', 'HOME']], {
      env: { TROUPE_A: 'from the pool' },
      argv: ['--mode', 'fast'],
      execArgv: ['--no-deprecation'],
    });
    expect(seen).toEqual({
      env: { TROUPE_A: 'from the pool', HOME: undefined },
      argv: ['--mode', 'fast'],
      execArgv: ['--no-deprecation'],
    });
  });

  it('shares the process environment with SHARE_ENV', async () => {
    const name = `TROUPE_SHARED_${process.pid}`;
    try {
      await runOn(environment, 'setEnv', [[name, 'set in a thread']], { env: SHARE_ENV });
      expect(process.env[name]).toBe('set in a thread');
    } finally {
      delete process.env[name];
    }
  });

  it('refuses bad values, naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ env: 'A=1' }, /`env`.*SHARE_ENV/],
      [{ env: { A: 1 } }, /`env\.A`: got 1; allowed: a string/],
      [{ env: Symbol('share') }, /`env`/],
      [{ argv: '--x' }, /`argv`.*an array of strings/],
      [{ argv: ['a', 2] }, /`argv\[1\]`: got 2/],
      [{ execArgv: [true] }, /`execArgv\[0\]`/],
    ];
    for (const [options, message] of bad) {
      expect(() => fromWorkerThread(environment, options)).toThrow(InvalidOptionError);
      expect(() => fromWorkerThread(environment, options)).toThrow(message);
    }
  });
});
