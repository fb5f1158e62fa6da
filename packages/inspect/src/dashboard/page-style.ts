/** The dashboard page's style sheet (inline: the page fetches nothing but its own stream). */
export const PAGE_STYLE = String.raw`
:root { color-scheme: light; --line: #d0d4dc; --muted: #5b6270; --accent: #2563eb;
  --ok: #15803d; --warn: #b45309; --bad: #b91c1c; --busy: #1d4ed8; font: 13px/1.4 system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1f2430; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 16px;
  background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; }
header form { margin: 0; }
.status { padding: 1px 8px; border-radius: 10px; background: #e5e7eb; }
.status.live { background: #dcfce7; color: var(--ok); }
.status.down { background: #fee2e2; color: var(--bad); }
#control-result { color: var(--muted); }
#control-result.refused { color: var(--bad); }
main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(360px, 1.2fr); gap: 12px; padding: 12px 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 0; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
#machines-panel { grid-column: 2; grid-row: 2 / span 2; }
.tree, .tree ul { list-style: none; margin: 0; padding-left: 14px; }
.tree { padding-left: 0; }
.node > .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 2px 0; }
.node.selected > .row > .name { outline: 2px solid var(--accent); }
.name { border: 0; background: none; padding: 0 2px; font: inherit; font-weight: 600; cursor: pointer; color: inherit; }
.kind { color: var(--muted); font-size: 11px; }
.detail { color: var(--muted); font-size: 12px; }
.badge { padding: 0 6px; border-radius: 8px; font-size: 12px; background: #e5e7eb; }
.badge[data-state=running], .badge[data-state=idle], .badge[data-state=healthy] { background: #dcfce7; color: var(--ok); }
.badge[data-state=busy] { background: #dbeafe; color: var(--busy); }
.badge[data-state=starting], .badge[data-state=closing], .badge[data-state=stopping],
.badge[data-state=degraded], .badge[data-state=probing] { background: #fef3c7; color: var(--warn); }
.badge[data-state=crashed], .badge[data-state=failed], .badge[data-state=unhealthy] { background: #fee2e2; color: var(--bad); }
.node.worker { display: inline-block; margin: 0 4px 2px 0; }
.node.worker > .row { border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
.node.worker > .row > .detail { font-size: 11px; }
.controls { display: inline-flex; gap: 4px; align-items: center; }
.controls input { width: 4em; }
button.control { font: inherit; font-size: 12px; padding: 0 6px; }
.metric-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px; }
.metric { margin: 0; }
.metric figcaption { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); }
.metric figcaption b { color: #1f2430; }
.metric svg { width: 100%; height: 80px; background: #fafbfc; border: 1px solid var(--line); }
.metric polyline { fill: none; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.metric polyline.l0 { stroke: var(--accent); }
.metric polyline.l1 { stroke: var(--bad); }
.metric text { font-size: 9px; fill: var(--muted); }
.machine { margin: 0 0 12px; }
.machine figcaption { font-weight: 600; margin-bottom: 4px; }
.machine figcaption .showing { font-weight: 400; color: var(--muted); }
.machine svg { width: 100%; height: auto; max-height: 560px; }
.machine .node.current > path, .machine .node.current > polygon, .machine .node.current > ellipse {
  fill: #fde68a; stroke: #b45309; stroke-width: 2.5; }
.machine .cluster.current > path, .machine .cluster.current > polygon { fill: #fffbeb; stroke: #b45309; stroke-width: 2.5; }
.chart-list ul { list-style: none; padding-left: 14px; margin: 0; }
.chart-list li { border-left: 3px solid transparent; padding-left: 4px; margin: 2px 0; }
.chart-list li.current { border-left-color: #b45309; background: #fef9e7; }
.chart-list li.current > .state-name { font-weight: 700; }
.chart-list .note, .chart-list .edge { color: var(--muted); font-size: 12px; }
.log { list-style: none; margin: 0; padding: 0; max-height: 360px; overflow-y: auto; font-size: 12px;
  font-family: ui-monospace, monospace; }
.log li { padding: 1px 0; border-bottom: 1px solid #f0f1f4; }
.log time { color: var(--muted); margin-right: 6px; }
.log .source { font-weight: 600; margin-right: 6px; }
.log .level-warn .text { color: var(--warn); }
.log .level-error .text { color: var(--bad); }
.log .count { color: var(--muted); margin-left: 6px; }
.empty { color: var(--muted); font-style: italic; }
`;
