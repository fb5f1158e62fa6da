import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { toSvg } from '@troupe/inspect';
import { jobMachine, playerMachine } from './fixture-machines.js';

// Graphviz is a system package: CI installs it (.ci/run); a machine without it skips these.
const hasDot = spawnSync('dot', ['-V']).error === undefined;

describe('toSvg', () => {
  const path = process.env['PATH'];
  afterEach(() => {
    process.env['PATH'] = path;
  });

  it.skipIf(!hasDot)('lays out the DOT chart with Graphviz', async () => {
    const svg = await toSvg(jobMachine);
    expect(svg).toContain('<svg');
    expect(svg).toContain('>fetching</text>');
    expect(svg).toContain('>after backoff [hasRetries]</text>');
    expect(await toSvg(playerMachine)).toContain('>audio</text>');
  });

  it('says how to install Graphviz when dot is not on PATH', async () => {
    process.env['PATH'] = '/nonexistent';
    await expect(toSvg(jobMachine)).rejects.toThrow(
      "Graphviz's `dot` was not found on PATH: install graphviz (Debian: apt-get install -y graphviz) or use toDot()/toMermaid()",
    );
  });
});
