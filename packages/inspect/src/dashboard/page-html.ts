/**
 * The dashboard's one page: markup, style and script in one file, nothing fetched but its own
 * event stream and the control POSTs (its Content-Security-Policy says so to the browser).
 */
import { htmlText } from './html-text.js';
import type { MachineChart } from './machine-charts.js';
import { CHARTS_SCRIPT } from './page-script-charts.js';
import { CONTROLS_SCRIPT } from './page-script-controls.js';
import { TREE_SCRIPT } from './page-script-tree.js';
import { PAGE_STYLE } from './page-style.js';

/** What the page is told when served. */
export interface PageConfig {
  readonly name: string;
  readonly kind: 'pool' | 'balancer' | 'system';
  readonly history: number;
  readonly logSize: number;
}

/** The page, with `nonce` on its style and script (the same as in `contentSecurityPolicy`). */
export function pageHtml(
  config: PageConfig,
  charts: readonly MachineChart[],
  nonce: string,
): string {
  // In a <script>, JSON must not close the element: '<' is written as \u003c.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const figures = charts
    .map(
      (chart) =>
        `<figure class="machine" data-machine="${chart.name}" data-format="${chart.format}">` +
        `<figcaption>${htmlText(chart.title)} <span class="showing"></span></figcaption>` +
        `<div class="chart">${chart.html}</div></figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Troupe — ${htmlText(config.name)}</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>Troupe — <span id="title"></span></h1>
<span id="status" class="status">connecting…</span>
<form id="token-form"><label>token <input id="token" type="password" autocomplete="off" placeholder="printed at start-up"></label></form>
<span id="control-result" role="status"></span>
</header>
<main>
<section id="tree-panel"><h2>Actors</h2><ul id="tree" class="tree"></ul></section>
<section id="metrics-panel"><h2>Metrics <span id="metrics-source"></span></h2><div id="metric-charts" class="metric-charts"></div></section>
<section id="log-panel"><h2>Events</h2><ol id="log" class="log"></ol></section>
<section id="machines-panel"><h2>State charts</h2>
${figures === '' ? '<p class="empty">no machine to draw</p>' : figures}
</section>
</main>
<script nonce="${nonce}">
(() => {
'use strict';
const CONFIG = ${json};
${TREE_SCRIPT}
${CHARTS_SCRIPT}
${CONTROLS_SCRIPT}
})();
</script>
</body>
</html>
`;
}

/** The page's policy: its own inline style and script (by nonce), its own origin for the rest. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
