// Shared by every page: API calls, the header (node name, state, caller's role), formatting.
'use strict';
const ML = {
  async api(path, options = {}) {
    const res = await fetch(path, Object.assign({ headers: { 'Accept': 'application/json' } }, options));
    const body = res.status === 204 ? {} : await res.json().catch(() => ({ error: 'answer was not JSON' }));
    if (!res.ok) {
      const err = new Error(body.error || ('HTTP ' + res.status));
      err.status = res.status;
      err.problems = body.problems || [];
      throw err;
    }
    return body;
  },
  post(path, value) {
    return ML.api(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(value) });
  },
  el(tag, props, ...children) {
    const e = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k in e) e[k] = v; else e.setAttribute(k, v);
    });
    children.flat().forEach(c => { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c)); });
    return e;
  },
  bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  },
  duration(s) {
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + m + 'm' : m + 'm ' + (s % 60) + 's';
  },
  ago(iso) {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  },
  pathBadge(path, via) {
    return ML.el('span', { class: 'badge ' + path, title: via || '' }, path === 'derp' ? 'DERP' + (via ? ' ' + via : '')
      : path === 'direct' ? 'direct' : '–');
  },
  error(message) {
    const box = document.getElementById('error');
    box.textContent = message || '';
    box.hidden = !message;
  },
  status: null,
};

const PAGES = [['/', 'Monitor'], ['/peers', 'Peers'], ['/allowlist', 'DISCO allowlist'], ['/settings', 'Settings']];

document.addEventListener('DOMContentLoaded', async () => {
  document.body.prepend(ML.el('header', {},
    ML.el('div', { class: 'who' }, ML.el('strong', { id: 'node-name' }, 'MicroLink'),
      ML.el('span', { id: 'node-state', class: 'badge' }), ML.el('span', { id: 'node-role', class: 'muted' })),
    ML.el('nav', {}, PAGES.map(([href, label]) =>
      ML.el('a', { href, class: href === location.pathname ? 'here' : '' }, label)))));
  document.body.append(ML.el('p', { id: 'error', class: 'notice error', hidden: true }));
  try {
    const s = await ML.api('/api/status');
    ML.status = s;
    document.body.dataset.role = s.role;
    document.getElementById('node-name').textContent = s.name || 'MicroLink node';
    const state = document.getElementById('node-state');
    state.textContent = s.state.toLowerCase().replace('_', ' ');
    state.className = 'badge ' + (s.state === 'CONNECTED' ? 'ok' : 'warn');
    document.getElementById('node-role').textContent = s.role === 'owner' ? '' : 'read-only';
    if (s.devices) {
      document.querySelector('header nav').append(ML.el('a', { href: '/devices',
        class: location.pathname === '/devices' ? 'here' : '' }, 'Devices'));
    }
  } catch (e) {
    ML.error(e.message);
  }
});
