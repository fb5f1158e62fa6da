/**
 * The page's script, first part: its state, the event stream, and the actor tree. Plain
 * browser JavaScript in a string (the page is one self-contained file); the parts share one
 * scope (see `page-html.ts`). Text goes in with `textContent`, never as HTML.
 */
export const TREE_SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const nodes = new Map();
const elements = new Map();
const series = new Map();
const picked = { metrics: null, machines: {} };
let dirty = false;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function schedule() {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(() => {
    dirty = false;
    drawMetrics();
    drawMachines();
  });
}

function connect() {
  const status = $('status');
  const stream = new EventSource('events');
  stream.onopen = () => { status.textContent = 'live'; status.className = 'status live'; };
  stream.onerror = () => {
    status.textContent = stream.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…';
    status.className = 'status down';
  };
  const on = (type, handle) => stream.addEventListener(type, (e) => handle(JSON.parse(e.data)));
  on('snapshot', (data) => {
    nodes.clear();
    elements.clear();
    series.clear();
    $('tree').replaceChildren();
    $('log').replaceChildren();
    for (const node of data.nodes) nodes.set(node.id, node);
    for (const node of data.nodes) drawNode(node);
    for (const [id, samples] of Object.entries(data.series)) series.set(id, samples);
    for (const entry of data.log) drawEntry(entry);
    schedule();
  });
  on('node', (data) => { nodes.set(data.node.id, data.node); drawNode(data.node); schedule(); });
  on('node-removed', (data) => {
    nodes.delete(data.id);
    series.delete(data.id);
    const li = elements.get(data.id);
    if (li) li.remove();
    elements.delete(data.id);
    schedule();
  });
  on('sample', (data) => {
    const list = series.get(data.id) || [];
    list.push(data.sample);
    if (list.length > CONFIG.history) list.shift();
    series.set(data.id, list);
    if (data.id === metricsSource()) schedule();
  });
  on('log', (data) => drawEntry(data.entry));
}

/** The element of a node, made on first sight, put under its parent's list. */
function drawNode(node) {
  let li = elements.get(node.id);
  if (!li) {
    li = el('li', 'node ' + node.kind);
    li.dataset.id = node.id;
    li.dataset.kind = node.kind;
    const row = el('div', 'row');
    const name = el('button', 'name');
    name.type = 'button';
    name.addEventListener('click', () => pick(node.id));
    const badge = el('span', 'badge');
    row.append(name, el('span', 'kind'), badge, el('span', 'detail'));
    li.append(row, el('ul', 'children'));
    elements.set(node.id, li);
    if (node.controls.length > 0) row.append(controlsFor(node));
    // Nodes that arrived before this one, their parent, move under it.
    for (const [id, other] of elements) {
      if (nodes.get(id) && nodes.get(id).parent === node.id) li.lastChild.append(other);
    }
  }
  const parent = node.parent && elements.get(node.parent);
  const list = parent ? parent.lastChild : $('tree');
  if (li.parentNode !== list) list.append(li);
  li.dataset.state = node.state;
  const row = li.firstChild;
  row.querySelector('.name').textContent = node.name;
  row.querySelector('.kind').textContent = node.kind === 'worker' ? '' : node.kind;
  const badge = row.querySelector('.badge');
  badge.textContent = node.state;
  badge.dataset.state = node.state;
  row.querySelector('.detail').textContent = node.detail;
}

/** Selects a node: its figures in the charts, its states highlighted in its machines' charts. */
function pick(id) {
  const node = nodes.get(id);
  if (!node) return;
  if (node.kind === 'pool' || node.kind === 'balancer') picked.metrics = id;
  for (const machine of Object.keys(node.machines)) picked.machines[machine] = id;
  for (const li of document.querySelectorAll('.node.selected')) li.classList.remove('selected');
  const li = elements.get(id);
  if (li) li.classList.add('selected');
  schedule();
}
`;
