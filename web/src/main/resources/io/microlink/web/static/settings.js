// Device settings: only changed fields are sent; the answer says what waits for a restart.
'use strict';
let current = null;

function field(name) {
  return document.querySelector('[name="' + name + '"]');
}

function valueOf(input) {
  if (input.type === 'checkbox') return input.checked;
  if (input.type === 'number') return input.value === '' ? null : Number(input.value);
  return input.value.trim() === '' ? null : input.value.trim();
}

function fill(view) {
  current = view.settings;
  Object.entries(current).forEach(([name, value]) => {
    const input = field(name);
    if (!input) return;
    if (input.type === 'checkbox') input.checked = value; else input.value = value === null ? '' : value;
  });
  field('authKey').value = '';
  field('clearAuthKey').checked = false;
  document.getElementById('authKeyHint').textContent = current.authKeySet
    ? 'A key is saved (never shown). Type a new one to replace it.' : 'No key saved.';
  const debug = document.getElementById('debug');
  debug.querySelectorAll('label').forEach(l => l.remove());
  view.debugFlags.forEach(flag => {
    const box = ML.el('input', { type: 'checkbox', name: 'debug:' + flag, checked: current.debug.includes(flag) });
    debug.append(ML.el('label', { class: 'check' }, box, ' ' + flag));
  });
  document.querySelectorAll('form input').forEach(i => { i.disabled = ML.status && ML.status.role !== 'owner'; });
  view.needsRestart.forEach(name => {
    const label = field(name) && field(name).closest('label');
    if (label && !label.querySelector('.restart')) label.append(ML.el('span', { class: 'hint restart' }, 'applies after a restart'));
  });
}

function changes() {
  const out = {};
  Object.keys(current).forEach(name => {
    const input = field(name);
    if (!input || name === 'authKey') return;
    const v = valueOf(input);
    if (v !== current[name]) out[name] = v;
  });
  const key = field('authKey').value.trim();
  if (key) out.authKey = key; else if (field('clearAuthKey').checked) out.authKey = null;
  const flags = flagNames().filter(f => field('debug:' + f).checked);
  if (flags.join() !== current.debug.join()) out.debug = flags;
  return out;
}

function flagNames() {
  return [...document.querySelectorAll('[name^="debug:"]')].map(i => i.name.slice(6));
}

function notice(text) {
  const box = document.getElementById('saved');
  box.textContent = text;
  box.hidden = !text;
}

async function save(e) {
  e.preventDefault();
  document.querySelectorAll('.problem').forEach(p => p.remove());
  const patch = changes();
  if (Object.keys(patch).length === 0) { notice('Nothing changed.'); return; }
  try {
    const view = await ML.post('/api/settings', patch);
    fill(view);
    ML.error('');
    notice('Saved: ' + view.changed.join(', ') + '.' + (view.restartRequired.length
      ? ' Waiting for a restart: ' + view.restartRequired.join(', ') + '.' : ''));
  } catch (err) {
    notice('');
    ML.error(err.message);
    err.problems.forEach(p => {
      const label = p.setting && field(p.setting) && field(p.setting).closest('label');
      if (label) label.append(ML.el('span', { class: 'problem' }, p.message));
    });
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('form').addEventListener('submit', save);
  document.getElementById('restart').addEventListener('click', async () => {
    try {
      await ML.post('/api/restart', {});
      notice('Restarting the node…');
    } catch (err) {
      ML.error(err.message);
    }
  });
  try {
    const view = await ML.api('/api/settings');
    if (!ML.status) ML.status = await ML.api('/api/status');
    fill(view);
  } catch (err) {
    ML.error(err.message);
  }
});
