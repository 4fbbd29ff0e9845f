// Pieces several pages use: state badges, labels, tables, the live
// indicator, toasts, and the dialog that creates tasks.
import { ApiError, get, post } from './api.js';
import { h, icon, replace } from './dom.js';
import { formatCompact, formatTime, relative, zoneLabel } from './format.js';

export const STATES = ['SCHEDULED', 'WAITING', 'DISPATCHED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED'];
export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED']);

export const ICONS = {
  plus: 'M12 5v14M5 12h14',
  x: 'M6 6l12 12M18 6L6 18',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 5l12 7-12 7z',
  stop: 'M6 6h12v12H6z',
  back: 'M15 18l-6-6 6-6',
  clock: 'M12 7v5l3 2M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z',
};

export function stateBadge(state) {
  return h(`span.badge.state-${state.toLowerCase()}`, { title: state }, h('span.badge-dot'), state.replace('_', ' '));
}

export function labelChips(labels) {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return h('span.muted', {}, '—');
  return h('span.chips', {}, entries.map(([k, v]) => h('span.chip', {}, h('span.chip-key', {}, k), '=', v)));
}

/**
 * A time in the viewer's zone, with the relative time and UTC on hover:
 * in full with its zone, or `compact` (in a column whose header names the
 * zone, see zoned()), or `relativeFirst` ("3 min ago", kept current).
 */
export function timeCell(iso, { relativeFirst = false, compact = false, seconds = true } = {}) {
  if (!iso) return h('span.muted', {}, '—');
  const exact = formatTime(iso, { seconds });
  const text = relativeFirst ? relative(iso) : compact ? formatCompact(iso, { seconds }) : exact;
  return h('time', { datetime: iso, title: `${exact}\n${iso.replace('.000Z', 'Z')} UTC`, dataset: relativeFirst ? { relative: '' } : undefined }, text);
}

/** A column title with the viewer's zone: "Created (CET)". */
export function zoned(title) {
  return h('span', {}, title, h('span.zone-note', {}, ` (${zoneLabel()})`));
}

/** Relative times stay true between updates of their view. */
setInterval(() => {
  for (const el of document.querySelectorAll('time[data-relative]')) el.textContent = relative(el.getAttribute('datetime'));
}, 15_000);

export function link(href, ...children) {
  return h('a', { href }, ...children);
}

export function mono(text, title) {
  return h('code.mono', { title: title ?? text }, text);
}

export function button(label, { kind = 'secondary', iconPath, onclick, disabled = false, name } = {}) {
  return h(`button.btn.btn-${kind}`, { type: 'button', onclick, disabled, 'data-action': name }, iconPath ? icon(iconPath) : null, label);
}

export function table(columns, rows, { empty = 'Nothing here yet.', rowProps = () => ({}) } = {}) {
  return h('div.table-scroll', {}, h(
    'table.table',
    {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.class }, c.title)))),
    h('tbody', {}, rows.length ? rows.map((row) => h('tr', rowProps(row), columns.map((c) => h('td', { class: c.class }, c.cell(row))))) : h('tr', {}, h('td.empty', { colspan: columns.length }, empty))),
  ));
}

export function pageHeader(title, subtitle, ...actions) {
  return h('div.page-header', {}, h('div', {}, h('h1', {}, title), subtitle ? h('p.subtitle', {}, subtitle) : null), h('div.actions', {}, actions));
}

export function card(title, ...children) {
  return h('section.card', {}, title ? h('h2.card-title', {}, title) : null, ...children);
}

/** A definition list of facts: [[term, value], ...]; empty values are left out. */
export function facts(pairs) {
  return h('dl.facts', {}, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/** Finished work first, from the left; what is still to do on the right. */
const BAR_ORDER = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED', 'RUNNING', 'DISPATCHED', 'WAITING', 'SCHEDULED'];

/** A bar of a group's states, each segment as wide as its share. */
export function stateBar(byState, total) {
  const bar = h('div.state-bar', { title: BAR_ORDER.filter((s) => byState[s]).map((s) => `${byState[s]} ${s}`).join(', ') });
  for (const state of BAR_ORDER) {
    const n = byState[state] ?? 0;
    if (!n) continue;
    bar.append(h(`span.segment.state-${state.toLowerCase()}`, { style: { width: `${(100 * n) / Math.max(1, total)}%` } }));
  }
  return bar;
}

let toastTimer;
/** A short message at the bottom of the screen. */
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  replace(el, message);
  el.className = `toast toast-${kind} visible`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('visible'), 5000);
}

/** What a failed request says, for people. */
export function errorText(err) {
  return err instanceof ApiError ? `${err.code}: ${err.message}` : String(err?.message ?? err);
}

/** The connection indicator in the top bar. */
export function setLiveStatus(state, error) {
  const el = document.getElementById('live-status');
  el.dataset.state = state;
  el.title = error ? errorText(error) : '';
  replace(el.querySelector('.live-text'), state === 'live' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : state === 'failed' ? 'Error' : 'Connecting…');
}

// ---- creating a task ----

const KNOWN_METHODS = ['packages.install', 'packages.update', 'packages.uninstall', 'packages.list', 'system.info'];

/**
 * The "New task" dialog: for one consumer or for every consumer matching a
 * selector. Sent to POST /api/tasks, which checks it as CreateTask does.
 * `onCreated` gets the API's answer.
 */
export async function openCreateTaskDialog({ consumerId = '', onCreated = () => {} } = {}) {
  const consumers = await get('/consumers?page_size=1000').then((r) => r.consumers, () => []);
  const dialog = h('dialog.dialog', { 'aria-labelledby': 'create-title' });
  const error = h('p.form-error', { role: 'alert' });
  const target = h('select', { name: 'consumer_id' }, consumers.map((c) => h('option', { value: c.id, selected: c.id === consumerId }, c.online ? `${c.id} (online)` : c.id)));
  const selector = h('input', { name: 'consumer_selector', placeholder: 'role=web, zone=eu', autocomplete: 'off' });
  const byConsumer = h('input', { type: 'radio', name: 'target', value: 'consumer', checked: true });
  const bySelector = h('input', { type: 'radio', name: 'target', value: 'selector' });
  const method = h('input', { name: 'method', placeholder: 'class.method', list: 'known-methods', required: true, autocomplete: 'off' });
  const args = h('textarea.code', { name: 'arguments_json', rows: 5, spellcheck: 'false' }, '{}');
  const notBefore = h('input', { type: 'datetime-local', name: 'not_before_time' });
  const notAfter = h('input', { type: 'datetime-local', name: 'not_after_time' });
  const timeout = h('input', { name: 'timeout', placeholder: 'none', inputmode: 'numeric' });
  const labels = h('input', { name: 'labels', placeholder: 'change=CHG-1, team=infra', autocomplete: 'off' });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, icon(ICONS.plus), 'Create task');
  const syncTarget = () => {
    target.disabled = !byConsumer.checked;
    selector.disabled = !bySelector.checked;
  };
  byConsumer.addEventListener('change', syncTarget);
  bySelector.addEventListener('change', syncTarget);
  syncTarget();
  const form = h(
    'form.form',
    { method: 'dialog' },
    h('h2', { id: 'create-title' }, 'New task'),
    h('fieldset.field', {}, h('legend', {}, 'Run on'),
      h('label.radio', {}, byConsumer, 'one consumer', target),
      h('label.radio', {}, bySelector, 'every consumer matching', selector)),
    h('label.field', {}, h('span', {}, 'Method'), method, h('datalist', { id: 'known-methods' }, KNOWN_METHODS.map((m) => h('option', { value: m })))),
    h('label.field', {}, h('span', {}, 'Arguments (JSON object)'), args),
    h('div.field-row', {},
      h('label.field', {}, h('span', {}, 'Not before (your time)'), notBefore),
      h('label.field', {}, h('span', {}, 'Not after (your time)'), notAfter)),
    h('div.field-row.narrow-first', {},
      h('label.field', {}, h('span', {}, 'Timeout (seconds)'), timeout),
      h('label.field', {}, h('span', {}, 'Labels'), labels)),
    error,
    h('div.form-actions', {}, h('button.btn.btn-secondary', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(error);
    submit.disabled = true;
    try {
      const body = {
        method: method.value.trim(),
        arguments_json: args.value.trim() || '{}',
        not_before_time: localToIso(notBefore.value),
        not_after_time: localToIso(notAfter.value),
        timeout_duration: timeout.value.trim() ? `${timeout.value.trim()}s` : undefined,
        labels: parsePairs(labels.value),
      };
      if (bySelector.checked) body.consumer_selector = splitTerms(selector.value);
      else body.consumer_id = target.value;
      const created = await post('/tasks', body);
      dialog.close();
      onCreated(created);
    } catch (err) {
      replace(error, errorText(err));
    } finally {
      submit.disabled = false;
    }
  });
  dialog.append(form);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  (consumerId ? method : target).focus();
}

/** "a=b, c=d" -> ["a=b", "c=d"]. */
export function splitTerms(text) {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

function parsePairs(text) {
  return Object.fromEntries(splitTerms(text).map((term) => [term.slice(0, term.indexOf('=') < 0 ? term.length : term.indexOf('=')), term.includes('=') ? term.slice(term.indexOf('=') + 1) : '']));
}

/** A datetime-local value (the viewer's wall clock) as RFC 3339 UTC. */
export function localToIso(value) {
  return value ? new Date(value).toISOString() : undefined;
}

/** An RFC 3339 time as a datetime-local value on the viewer's wall clock. */
export function isoToLocal(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
