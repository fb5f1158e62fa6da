export { toMermaid } from './to-mermaid.js';
export { toDot } from './to-dot.js';
export { toSvg } from './to-svg.js';
export { stateChartsMarkdown } from './state-charts-markdown.js';
export { serveDashboard } from './dashboard/serve-dashboard.js';
export type { DashboardHandle } from './dashboard/serve-dashboard.js';
export type { DashboardOptions } from './dashboard/dashboard-options.js';
export type {
  DashboardBalancer,
  DashboardPool,
  DashboardSystem,
  DashboardTarget,
} from './dashboard/dashboard-target.js';
