/**
 * The page's script, last part: the event log, the controls (POSTs carrying the token typed in,
 * or given in the address after `#token=`), and the start.
 */
export const CONTROLS_SCRIPT = String.raw`
function clock(ms) {
  const s = Math.max(0, ms) / 1000;
  const m = Math.floor(s / 60);
  return '+' + String(m).padStart(2, '0') + ':' + (s - m * 60).toFixed(1).padStart(4, '0');
}

const entries = new Map();

function drawEntry(entry) {
  const list = $('log');
  const follow = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  let li = entries.get(entry.id);
  if (!li) {
    li = el('li', 'entry level-' + entry.level);
    li.dataset.kind = entry.kind;
    li.dataset.source = entry.source;
    li.append(el('time'), el('span', 'source'), el('span', 'text'), el('span', 'count'));
    entries.set(entry.id, li);
    list.append(li);
    while (list.children.length > CONFIG.logSize) {
      const oldest = list.firstChild;
      for (const [id, e] of entries) if (e === oldest) entries.delete(id);
      oldest.remove();
    }
  }
  const source = nodes.get(entry.source);
  li.children[0].textContent = clock(entry.at);
  li.children[1].textContent = source ? source.name : entry.source.replace(/^[a-z]+:/, '');
  li.children[2].textContent = entry.text;
  li.children[3].textContent = entry.count > 1 ? '×' + entry.count : '';
  if (follow) list.scrollTop = list.scrollHeight;
}

function controlsFor(node) {
  const box = el('span', 'controls');
  const button = (label, action, title, body) => {
    const b = el('button', 'control', label);
    b.type = 'button';
    b.dataset.action = action;
    b.title = title;
    b.addEventListener('click', () => send(node.name, action, body ? body() : {}));
    return b;
  };
  const size = el('input');
  size.type = 'number';
  size.min = '0';
  size.className = 'size';
  size.setAttribute('aria-label', 'workers');
  const match = /size (\d+)/.exec(node.detail);
  size.value = match ? match[1] : '1';
  const offered = (action) => node.controls.includes(action);
  if (offered('pause')) box.append(button('pause', 'pause', 'pause dispatch: submits still queue, nothing new starts'));
  if (offered('resume')) box.append(button('resume', 'resume', 'resume dispatch'));
  if (offered('resize')) {
    box.append(size, button('resize', 'resize', 'resize to the number of workers beside', () => ({ size: Number(size.value) })));
  }
  if (offered('close')) box.append(button('close', 'close', 'close the pool (drains: queued and running tasks finish)'));
  return box;
}

async function send(pool, action, body) {
  const result = $('control-result');
  result.className = '';
  result.textContent = action + ' ' + pool + '…';
  try {
    const response = await fetch('pools/' + encodeURIComponent(pool) + '/' + action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Troupe-Token': $('token').value.trim() },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      result.textContent = action + ' ' + pool + ': accepted';
    } else {
      result.className = 'refused';
      result.textContent = action + ' ' + pool + ': refused (' + response.status + ') ' + (answer.error || '');
    }
  } catch (error) {
    result.className = 'refused';
    result.textContent = action + ' ' + pool + ': ' + error;
  }
}

const hash = /(?:^#|&)token=([^&]+)/.exec(location.hash);
if (hash) {
  $('token').value = decodeURIComponent(hash[1]);
  history.replaceState(null, '', location.pathname + location.search);
}
$('token-form').addEventListener('submit', (e) => e.preventDefault());
$('title').textContent = CONFIG.kind + ' ' + CONFIG.name;
connect();
`;
