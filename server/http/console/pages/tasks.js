// Tasks: the live list, newest first, filtered by state, consumer, method,
// label and creation time; new tasks and changes appear as they happen.
import { live } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDuration, shortId } from '../format.js';
import { button, ICONS, isoToLocal, link, localToIso, mono, openCreateTaskDialog, pageHeader, setLiveStatus, splitTerms, STATES, stateBadge, table, timeCell, toast, zoned } from '../components.js';

export function render(main, _params, query) {
  const chosen = new Set(query.getAll('state'));
  const field = (name, placeholder, type = 'search') => h('input', { type, name, placeholder, value: type === 'datetime-local' ? isoToLocal(query.get(name)) : query.get(name) ?? '', autocomplete: 'off' });
  const consumer = field('consumer', 'consumer id');
  const method = field('method', 'class.method');
  const label = field('label', 'key=value, ...');
  const from = field('from', '', 'datetime-local');
  const to = field('to', '', 'datetime-local');
  const apply = () => {
    const q = new URLSearchParams();
    for (const s of chosen) q.append('state', s);
    for (const [name, input] of [['consumer', consumer], ['method', method], ['label', label]]) if (input.value.trim()) q.set(name, input.value.trim());
    if (from.value) q.set('from', localToIso(from.value));
    if (to.value) q.set('to', localToIso(to.value));
    location.hash = `#/tasks${q.toString() ? `?${q}` : ''}`;
  };
  for (const input of [consumer, method, label, from, to]) input.addEventListener('change', apply);
  const chips = h('div.state-filter', { role: 'group', 'aria-label': 'States' },
    STATES.map((s) => h(`button.state-toggle.state-${s.toLowerCase()}${chosen.has(s) ? '.on' : ''}`, {
      type: 'button',
      'aria-pressed': chosen.has(s) ? 'true' : 'false',
      dataset: { state: s },
      onclick: () => {
        if (chosen.has(s)) chosen.delete(s);
        else chosen.add(s);
        apply();
      },
    }, s.replace('_', ' '))));
  const list = h('div.card.flush', {}, h('p.loading', {}, 'Loading…'));
  const footer = h('p.muted.small.list-footer');
  replace(
    main,
    pageHeader('Tasks', 'Newest first; changes appear as they happen', button('New task', { kind: 'primary', iconPath: ICONS.plus, name: 'new-task', onclick: () => openCreateTaskDialog({ consumerId: query.get('consumer') ?? '', onCreated: created }) })),
    h('div.filters', {},
      chips,
      h('div.filter-fields', {},
        h('label', {}, h('span', {}, 'Consumer'), consumer),
        h('label', {}, h('span', {}, 'Method'), method),
        h('label', {}, h('span', {}, 'Labels'), label),
        h('label', {}, h('span', {}, 'Created from'), from),
        h('label', {}, h('span', {}, 'to'), to),
        button('Clear', { onclick: () => (location.hash = '#/tasks') }))),
    list,
    footer,
  );

  const api = new URLSearchParams({ page_size: '100' });
  for (const s of chosen) api.append('states', s);
  if (query.get('consumer')) api.set('consumer_id', query.get('consumer'));
  if (query.get('method')) api.set('method', query.get('method'));
  for (const term of splitTerms(query.get('label') ?? '')) api.append('label_selector', term);
  if (query.get('from')) api.set('create_time_from', query.get('from'));
  if (query.get('to')) api.set('create_time_to', query.get('to'));

  const seen = new Set();
  let first = true;
  return live(`/tasks?${api}`, (view) => {
    const fresh = first ? new Set() : new Set(view.tasks.filter((t) => !seen.has(t.id)).map((t) => t.id));
    first = false;
    for (const t of view.tasks) seen.add(t.id);
    replace(list, tasksTable(view.tasks, fresh));
    replace(footer, view.next_page_token ? `The newest ${view.tasks.length} matching tasks; narrow the filters to see older ones.` : `${view.tasks.length} matching ${view.tasks.length === 1 ? 'task' : 'tasks'}.`);
  }, setLiveStatus);
}

/** The table of tasks, also used by the group page. `fresh`: ids that just appeared. */
export function tasksTable(tasks, fresh = new Set(), { showConsumer = true } = {}) {
  return table(
    [
      { title: zoned('Created'), class: 'nowrap', cell: (t) => timeCell(t.create_time, { compact: true }) },
      { title: 'Task', cell: (t) => link(`#/tasks/${t.id}`, mono(shortId(t.id), t.id)) },
      ...(showConsumer ? [{ title: 'Consumer', cell: (t) => link(`#/consumers/${encodeURIComponent(t.consumer_id)}`, t.consumer_id) }] : []),
      { title: 'Method', cell: (t) => h('span.method', {}, t.method) },
      { title: 'State', cell: (t) => h('div.state-cell', {}, stateBadge(t.state), t.state === 'RUNNING' && t.progress ? progressMini(t.progress.percent) : null, t.cancel_requested_time && !t.end_time ? h('span.muted.small', {}, 'cancel asked') : null) },
      { title: 'Attempt', class: 'num', cell: (t) => String(t.attempt) },
      { title: 'Took', class: 'num nowrap', cell: (t) => (t.end_time ? formatDuration(Date.parse(t.end_time) - Date.parse(t.start_time ?? t.create_time)) : h('span.muted', {}, '—')) },
      { title: 'Updated', class: 'nowrap', cell: (t) => timeCell(t.update_time, { relativeFirst: true }) },
    ],
    tasks,
    { empty: 'No task matches these filters.', rowProps: (t) => ({ dataset: { task: t.id, state: t.state }, class: fresh.has(t.id) ? 'fresh' : undefined }) },
  );
}

function progressMini(percent) {
  const bar = h('span.progress-mini', { title: `${percent}%` }, h('span.progress-fill'));
  bar.firstChild.style.width = `${percent}%`;
  return bar;
}

function created(answer) {
  if (answer.task) toast(h('span', {}, 'Task created: ', link(`#/tasks/${answer.task.id}`, shortId(answer.task.id))), 'ok');
  else toast(h('span', {}, `Group of ${answer.tasks.length} tasks created: `, link(`#/groups/${answer.group_id}`, shortId(answer.group_id))), 'ok');
}
