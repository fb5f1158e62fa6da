import { describe, expect, it } from 'vitest';
import { threadExecArgv } from '../src/exec-argv.js';

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
    expect(threadExecArgv([])).toEqual([]);
  });
});
