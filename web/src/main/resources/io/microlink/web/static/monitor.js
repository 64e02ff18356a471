// The monitor refreshes itself every 2 s while it is visible, and its charts every 10 s.
'use strict';
const REFRESH_MS = 2000;
const HISTORY_MS = 10000;

function tile(label, value, sub) {
  return ML.el('div', { class: 'tile' }, ML.el('div', { class: 'label' }, label),
    ML.el('div', { class: 'value' }, value), sub ? ML.el('div', { class: 'sub' }, sub) : null);
}

function percent(f) {
  return f === null || f === undefined ? '–' : (f * 100).toFixed(f < 0.1 ? 1 : 0) + ' %';
}

function render(m) {
  const j = m.jvm;
  const gcCount = j.gc.reduce((n, g) => n + g.collections, 0);
  const gcMillis = j.gc.reduce((n, g) => n + g.millis, 0);
  const home = m.homeDerp;
  const active = m.uplinks.find(u => u.active);
  document.getElementById('tiles').replaceChildren(
    tile('Uptime', ML.duration(j.uptimeSeconds), m.state.toLowerCase()),
    tile('CPU (this node)', percent(j.cpu.processCpu), 'machine ' + percent(j.cpu.systemCpu) + ', ' + j.cpu.cores + ' cores'),
    tile('Heap', ML.bytes(j.heap.usedBytes), 'of ' + (j.heap.maxBytes > 0 ? ML.bytes(j.heap.maxBytes) : 'no limit')),
    tile('Direct memory', ML.bytes(j.direct.usedBytes), j.direct.buffers + ' buffers'),
    tile('Threads', j.threads.live, 'peak ' + j.threads.peak),
    tile('GC', gcCount + ' runs', gcMillis + ' ms in total'),
    tile('Home DERP', home ? home.code : '–', home ? (home.latencyMillis !== null
      ? home.latencyMillis.toFixed(1) + ' ms' : 'not measured yet') + (home.name ? ' · ' + home.name : '') : 'none yet'),
    ...(active ? [tile('Uplink', active.name, m.uplinks.map(u => u.name + ' ' + u.health.toLowerCase()).join(' · '))] : []),
    tile('Peers', m.peers.total, m.peers.online + ' online'),
    tile('Paths', m.peers.direct + ' direct', m.peers.derp + ' via DERP'),
    tile('Traffic', '↓ ' + ML.bytes(m.traffic.rxBytes), '↑ ' + ML.bytes(m.traffic.txBytes)));
  document.getElementById('paths').replaceChildren(...m.paths.map(p => ML.el('tr', {},
    ML.el('td', {}, ML.el('strong', {}, p.name)),
    ML.el('td', { 'data-label': 'Path' }, ML.el('span', {}, ML.pathBadge(p.path, p.via), ' ',
      ML.el('span', { class: 'muted' }, p.path === 'direct' ? p.via : ''))),
    ML.el('td', { 'data-label': 'In', class: 'num' }, ML.bytes(p.rxBytes)),
    ML.el('td', { 'data-label': 'Out', class: 'num' }, ML.bytes(p.txBytes)),
    ML.el('td', { 'data-label': 'Handshake' }, ML.ago(p.lastHandshake)))));
  document.getElementById('paths-note').textContent = m.paths.length === 0 ? 'No WireGuard sessions yet.' : '';
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

// The last hour from /api/history: traffic in and out per second, and each peer's latency.
function renderHistory(h) {
  const last = h.samples[h.samples.length - 1];
  const span = { now: last ? last.time : Date.now(), spanSeconds: h.intervalSeconds * h.capacity };
  const points = value => h.samples.map(s => [s.time, value(s)]);
  document.getElementById('traffic-chart').replaceChildren(Charts.line([
    { name: '↓ in', cls: 'in', points: points(s => s.rxBytes / h.intervalSeconds) },
    { name: '↑ out', cls: 'out', points: points(s => s.txBytes / h.intervalSeconds) }],
  Object.assign({ format: v => ML.bytes(v) + '/s', title: 'Traffic' }, span)));
  const peers = [...new Set(h.samples.flatMap(s => Object.keys(s.latencyMillis)))].sort();
  document.getElementById('latency-charts').replaceChildren(...peers.map(name => {
    const now = last && last.latencyMillis[name] !== undefined ? last.latencyMillis[name].toFixed(1) + ' ms' : 'no direct path';
    return Charts.line([{ name: now, cls: 'latency', points: points(s => s.latencyMillis[name] ?? null) }],
      Object.assign({ format: v => v.toFixed(1) + ' ms', title: name, height: 50 }, span));
  }));
  document.getElementById('latency-note').textContent = h.samples.length === 0 ? 'The first sample comes within '
    + h.intervalSeconds + ' s.' : peers.length === 0 ? 'No direct path measured in the last hour'
    + ' (peers reached through a relay are not measured).' : '';
}

// The two refreshes fail apart: one's success must not clear the other's message.
const failures = { monitor: '', history: '' };

function failed(which, message) {
  failures[which] = message;
  ML.error(failures.monitor || failures.history);
}

async function refreshHistory() {
  if (!document.hidden) {
    try {
      renderHistory(await ML.api('/api/history'));
      failed('history', '');
    } catch (e) {
      failed('history', 'Cannot fetch the charts\' history: ' + e.message);
    }
  }
  setTimeout(refreshHistory, HISTORY_MS);
}

async function refresh() {
  if (!document.hidden) {
    try {
      render(await ML.api('/api/monitor'));
      failed('monitor', '');
    } catch (e) {
      failed('monitor', 'Cannot reach the node: ' + e.message);
    }
  }
  setTimeout(refresh, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => { refresh(); refreshHistory(); });
