// All peers, 25 a page, with search, filters and one-click "Allow" for the DISCO allowlist.
'use strict';
const params = new URLSearchParams(location.search);
let page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
let timer = null;

function query() {
  const q = new URLSearchParams();
  ['q', 'online', 'path'].forEach(id => { const v = document.getElementById(id).value.trim(); if (v) q.set(id, v); });
  if (page > 1) q.set('page', page);
  return q;
}

async function allow(peer, button) {
  button.disabled = true;
  try {
    await ML.post('/api/peers/allowed', { add: [peer.fqdn] });
    await load();
  } catch (e) {
    ML.error('Could not allow ' + peer.name + ': ' + e.message);
    button.disabled = false;
  }
}

// Under the addresses: the subnets it routes, and whether it is (or could be) the exit node.
function routes(p) {
  const out = p.routes.map(r => ML.el('div', { class: 'muted' }, 'route ' + r));
  if (p.exitNode) out.push(ML.el('span', { class: 'badge ok' }, 'exit node (in use)'));
  else if (p.exitNodeOption) out.push(ML.el('span', { class: 'badge' }, 'exit node'));
  return out;
}

function row(p) {
  const disco = p.allowlisted ? ML.el('span', { class: 'badge ok allowed' }, 'allowed')
    : ML.el('button', { class: 'owner-only allow', type: 'button', onclick: e => allow(p, e.target) }, 'Allow');
  return ML.el('tr', { 'data-peer': p.name },
    ML.el('td', {}, ML.el('div', {}, ML.el('strong', {}, p.name), ML.el('div', { class: 'muted' }, p.fqdn))),
    ML.el('td', { 'data-label': 'Addresses' }, p.addresses.join(' '), ...routes(p)),
    ML.el('td', { 'data-label': 'User' }, p.user || ML.el('span', { class: 'muted' }, 'tagged')),
    ML.el('td', { 'data-label': 'OS' }, p.os || '–'),
    ML.el('td', { 'data-label': 'Online' }, ML.el('span', { class: 'badge ' + (p.online ? 'ok' : 'bad') }, p.online ? 'online' : 'offline')),
    ML.el('td', { 'data-label': 'Path' }, ML.pathBadge(p.path, p.via)),
    ML.el('td', { 'data-label': 'In / out', class: 'num' }, ML.bytes(p.rxBytes) + ' / ' + ML.bytes(p.txBytes)),
    ML.el('td', { 'data-label': 'DISCO' }, disco));
}

async function load() {
  const q = query();
  history.replaceState(null, '', q.toString() ? '?' + q : location.pathname);
  try {
    const r = await ML.api('/api/peers?' + q);
    document.getElementById('peers').replaceChildren(...r.peers.map(row));
    if (r.peers.length === 0) {
      document.getElementById('peers').append(ML.el('tr', {}, ML.el('td', { colSpan: 8, class: 'muted' }, 'No peers match.')));
    }
    document.getElementById('count').textContent = r.total + (r.total === 1 ? ' peer' : ' peers');
    document.getElementById('pageinfo').textContent = 'page ' + r.page + ' of ' + r.pages;
    document.getElementById('prev').disabled = r.page <= 1;
    document.getElementById('next').disabled = r.page >= r.pages;
    ML.error('');
  } catch (e) {
    ML.error(e.message);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  ['q', 'online', 'path'].forEach(id => { document.getElementById(id).value = params.get(id) || ''; });
  document.getElementById('q').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { page = 1; load(); }, 250);
  });
  ['online', 'path'].forEach(id => document.getElementById(id).addEventListener('change', () => { page = 1; load(); }));
  document.getElementById('prev').addEventListener('click', () => { page--; load(); });
  document.getElementById('next').addEventListener('click', () => { page++; load(); });
  load();
});
