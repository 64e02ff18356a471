// Devices: the LOPOWER bridge's plain-WireGuard devices (local page only): list, enroll with a QR code, remove.
'use strict';

function row(d) {
  return ML.el('tr', { 'data-device': d.name },
    ML.el('td', {}, ML.el('strong', {}, d.name)),
    ML.el('td', {}, d.addresses.join('\n')),
    ML.el('td', { class: 'muted', title: d.publicKey }, d.publicKey.slice(0, 10) + '…' + (d.keyGenerated ? ' (generated)' : '')),
    ML.el('td', {}, ML.el('span', { class: 'badge ' + (d.online ? 'ok' : '') }, d.online ? 'online' : 'offline')),
    ML.el('td', {}, ML.ago(d.lastHandshake)),
    ML.el('td', { class: 'num' }, ML.bytes(d.rxBytes) + ' / ' + ML.bytes(d.txBytes)),
    ML.el('td', {}, ML.el('button', { class: 'remove', type: 'button', onclick: () => remove(d.name) }, 'Remove')));
}

async function refresh() {
  try {
    const list = (await ML.api('/api/devices')).devices;
    document.getElementById('count').textContent = list.length + (list.length === 1 ? ' device' : ' devices');
    document.getElementById('devices').replaceChildren(...list.map(row));
    ML.error('');
  } catch (e) {
    ML.error(e.status === 404 ? 'No LOPOWER bridge runs beside this node (start it with microlink lopower start --web-port).'
      : e.message);
  }
}

async function remove(name) {
  if (!confirm('Remove ' + name + '? It is cut off at once.')) return;
  try {
    await ML.api('/api/devices/' + encodeURIComponent(name), { method: 'DELETE',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' } });
    document.getElementById('enrolled').hidden = true;
    await refresh();
  } catch (e) {
    ML.error(e.message);
  }
}

async function enroll(e) {
  e.preventDefault();
  const value = id => document.getElementById(id).value.trim();
  const body = { name: value('name') };
  if (value('publicKey')) body.publicKey = value('publicKey');
  if (value('endpoint')) body.endpoint = value('endpoint');
  if (value('keepalive')) body.keepalive = Number(value('keepalive'));
  try {
    const added = await ML.post('/api/devices', body);
    document.getElementById('enrolled-name').textContent = added.device.name;
    document.getElementById('config').textContent = added.config;
    document.getElementById('qr').src = 'data:image/png;base64,' + added.qrPng;
    document.getElementById('enrolled').hidden = false;
    document.getElementById('add').reset();
    await refresh();
  } catch (err) {
    ML.error(err.message);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('add').addEventListener('submit', enroll);
  refresh();
  setInterval(refresh, 5000);
});
