import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stateChartsMarkdown } from '@troupe/inspect';

const page = new URL('../../../docs/state-charts.md', import.meta.url);

describe('stateChartsMarkdown', () => {
  it('has a chart for each of the six machines', () => {
    const text = stateChartsMarkdown();
    const names = [
      'poolMachine',
      'workerMachine',
      'supervisorMachine',
      'autoscalerMachine',
      'healthMachine',
      'systemMachine',
    ];
    for (const name of names) expect(text).toContain(`(\`${name}\`)\n`);
    expect(text.match(/```mermaid\nstateDiagram-v2\n/g)).toHaveLength(6);
  });

  it('is what docs/state-charts.md holds', () => {
    let onDisk = '';
    try {
      onDisk = readFileSync(page, 'utf8');
    } catch {
      // A missing page is stale too.
    }
    expect(onDisk, 'docs/state-charts.md is stale: run pnpm charts').toBe(stateChartsMarkdown());
  });
});
