export { toMermaid } from './to-mermaid.js';
export { toDot } from './to-dot.js';
export { toSvg } from './to-svg.js';
export { stateChartsMarkdown } from './state-charts-markdown.js';
