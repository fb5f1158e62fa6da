import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import {
  refusedOptions,
  spawnThread,
  threadExecArgv,
  withoutOptions,
} from '../src/spawn-thread.js';

describe('threadExecArgv', () => {
  it('drops the main script code and --input-type, keeps every other option', () => {
    expect(
      threadExecArgv([
        '--enable-source-maps',
        '--input-type=module',
        '-e',
        'console.log(1)',
        '--max-old-space-size=512',
      ]),
    ).toEqual(['--enable-source-maps', '--max-old-space-size=512']);
    expect(
      threadExecArgv(['--input-type', 'module', '--eval=x', '-p', '1+1', '--trace-gc']),
    ).toEqual(['--trace-gc']);
  });

  it('is undefined when there is nothing to drop: the thread inherits as Node does', () => {
    expect(threadExecArgv([])).toBeUndefined();
    expect(threadExecArgv(['--trace-gc', '--conditions=x'])).toBeUndefined();
  });
});

describe('refused options', () => {
  it('reads the options Node names in ERR_WORKER_INVALID_EXEC_ARGV, and nothing from other errors', () => {
    const error = Object.assign(
      new Error('Initiated Worker with invalid execArgv flags: --trace-gc, --title=x'),
      { code: 'ERR_WORKER_INVALID_EXEC_ARGV' },
    );
    expect(refusedOptions(error)).toEqual(['--trace-gc', '--title=x']);
    expect(refusedOptions(new Error('flags: --a'))).toBeUndefined();
    expect(refusedOptions(null)).toBeUndefined();
  });

  it('drops them, with the value of one given apart', () => {
    expect(
      withoutOptions(
        ['--trace-gc', '--conditions=x', '--title', 'name', '--stack-size=900', '--no-warnings'],
        ['--trace-gc', '--title', '--stack-size=900'],
      ),
    ).toEqual(['--conditions=x', '--no-warnings']);
  });
});

describe('spawnThread', () => {
  const script = new URL(
    'data:text/javascript,import{parentPort}from"node:worker_threads";parentPort.postMessage(process.execArgv)',
  );

  it('starts a thread of a process run with code and process-wide options, keeping the rest', async () => {
    const worker = spawnThread(script, {}, [
      '--trace-gc',
      '--input-type=module',
      '--stack-size=900',
      '--no-warnings',
      '-e',
      'console.log(1)',
    ]);
    const [execArgv] = (await once(worker, 'message')) as [string[]];
    expect(execArgv).toEqual(['--no-warnings']);
    await once(worker, 'exit');
  });

  it('passes on a refusal that is not about options', () => {
    // workerData that cannot be cloned: thrown by the first attempt, as it is.
    expect(() => spawnThread(script, { workerData: () => 1 }, ['-e', 'x'])).toThrow(
      /could not be cloned/,
    );
  });
});
