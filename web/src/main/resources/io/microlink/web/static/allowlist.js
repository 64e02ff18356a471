// The DISCO allowlist: the peers this node probes for direct paths.
'use strict';

async function change(body) {
  try {
    render(await ML.post('/api/peers/allowed', body));
    ML.error('');
  } catch (e) {
    ML.error(e.message);
  }
}

function render(list) {
  document.getElementById('mode').textContent = list.probesEveryPeer
    ? 'The list is empty: every peer that carries traffic is probed for a direct path.'
    : 'Only these peers are probed for direct paths; every other peer is reached through DERP relays.';
  document.getElementById('entries').replaceChildren(...list.peers.map(p => ML.el('li', { 'data-entry': p },
    ML.el('span', {}, p),
    ML.el('button', { class: 'owner-only', type: 'button', onclick: () => change({ remove: [p] }) }, 'Remove'))));
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('add').addEventListener('submit', e => {
    e.preventDefault();
    const input = document.getElementById('entry');
    change({ add: [input.value.trim()] }).then(() => { input.value = ''; });
  });
  document.getElementById('clear').addEventListener('click', () => change({ peers: [] }));
  try {
    render(await ML.api('/api/peers/allowed'));
  } catch (e) {
    ML.error(e.message);
  }
});
