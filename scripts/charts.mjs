// Writes docs/state-charts.md, the Mermaid charts of the machines of @troupe/core. Run by
// `pnpm charts`, which builds the packages first (this imports their dist/).
import { writeFileSync } from 'node:fs';
import { stateChartsMarkdown } from '@troupe/inspect';

const page = new URL('../docs/state-charts.md', import.meta.url);
writeFileSync(page, stateChartsMarkdown());
console.log('wrote docs/state-charts.md');
