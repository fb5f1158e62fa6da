/**
 * The page's script, second part: the metric charts (plain SVG polylines over the samples kept)
 * and the highlighting of each machine chart's current states (the elements marked
 * `data-state`).
 */
export const CHARTS_SCRIPT = String.raw`
const SVG = 'http://www.w3.org/2000/svg';
const METRICS = [
  { key: 'throughput', title: 'throughput', unit: 'tasks/s', lines: ['throughput'] },
  { key: 'latency', title: 'latency p50 / p99', unit: 'ms', lines: ['p50', 'p99'] },
  { key: 'queue', title: 'queue depth', unit: 'tasks', lines: ['queued'] },
  { key: 'utilisation', title: 'utilisation', unit: '%', lines: ['utilisation'], scale: 100, max: 100 },
  { key: 'restarts', title: 'restarts (total)', unit: '', lines: ['restarts'] },
];

/** The pool or balancer whose figures are charted: the one picked, else the first there is. */
function metricsSource() {
  if (picked.metrics && nodes.has(picked.metrics)) return picked.metrics;
  for (const node of nodes.values()) if (node.kind === 'pool') return node.id;
  for (const node of nodes.values()) if (node.kind === 'balancer') return node.id;
  return null;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function format(value, unit) {
  if (value === null || value === undefined) return '–';
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return unit ? text + ' ' + unit : text;
}

function drawMetrics() {
  const box = $('metric-charts');
  const id = metricsSource();
  $('metrics-source').textContent = id ? '— ' + nodes.get(id).kind + ' ' + nodes.get(id).name : '';
  if (!id) { box.replaceChildren(el('p', 'empty', 'no pool or balancer to chart')); return; }
  const samples = series.get(id) || [];
  const figures = METRICS.map((metric) => drawMetric(metric, samples));
  box.replaceChildren(...figures);
}

function drawMetric(metric, samples) {
  const W = 300, H = 80, PAD = 4;
  const scale = metric.scale || 1;
  const value = (s, line) => (s[line] === null || s[line] === undefined ? null : s[line] * scale);
  let max = metric.max || 0;
  for (const s of samples) for (const line of metric.lines) { const v = value(s, line); if (v !== null && v > max) max = v; }
  if (max <= 0) max = 1;
  const first = samples.length ? samples[0].at : 0;
  const last = samples.length ? samples[samples.length - 1].at : 1;
  const span = Math.max(1, last - first);
  const figure = el('figure', 'metric');
  figure.dataset.metric = metric.key;
  figure.dataset.samples = String(samples.length);
  const caption = el('figcaption');
  const latest = samples.length ? samples[samples.length - 1] : null;
  const now = latest ? metric.lines.map((line) => format(value(latest, line), metric.unit)).join(' / ') : '–';
  const bold = el('b', 'latest', now);
  caption.append(el('span', '', metric.title), bold);
  const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img' });
  chart.append(svg('line', { x1: 0, y1: H - PAD, x2: W, y2: H - PAD, stroke: '#d0d4dc' }));
  metric.lines.forEach((line, i) => {
    // A gap (no value) splits the line.
    let points = [];
    const flush = () => {
      if (points.length) chart.append(svg('polyline', { class: 'l' + i, 'data-line': line, points: points.join(' ') }));
      points = [];
    };
    for (const s of samples) {
      const v = value(s, line);
      if (v === null) { flush(); continue; }
      const x = ((s.at - first) / span) * W;
      const y = H - PAD - (v / max) * (H - 2 * PAD);
      points.push(x.toFixed(1) + ',' + y.toFixed(1));
    }
    flush();
  });
  const top = svg('text', { x: 2, y: 10 });
  top.textContent = format(max, metric.unit);
  const age = svg('text', { x: W - 2, y: H - 6, 'text-anchor': 'end' });
  age.textContent = samples.length > 1 ? 'last ' + Math.round(span / 1000) + ' s' : '';
  chart.append(top, age);
  figure.append(caption, chart);
  return figure;
}

/** The node whose states a machine's chart shows: the one picked, else one under the charted source, else the first. */
function machineSource(machine) {
  const chosen = picked.machines[machine];
  if (chosen && nodes.has(chosen) && nodes.get(chosen).machines[machine]) return nodes.get(chosen);
  const source = metricsSource();
  let first = null;
  for (const node of nodes.values()) {
    if (!node.machines[machine]) continue;
    if (node.id === source || node.parent === source) return node;
    if (!first) first = node;
  }
  return first;
}

function drawMachines() {
  for (const figure of document.querySelectorAll('figure.machine')) {
    const machine = figure.dataset.machine;
    const node = machineSource(machine);
    const active = new Set(node ? node.machines[machine] : []);
    figure.querySelector('.showing').textContent = node
      ? '— ' + node.kind + ' ' + node.name + ': ' + node.state
      : '— no actor of this machine';
    figure.dataset.showing = node ? node.id : '';
    for (const state of figure.querySelectorAll('[data-state]')) {
      state.classList.toggle('current', active.has(state.dataset.state));
    }
  }
}
`;
