// Fleet: every consumer, online or not, when last seen, and how much work
// waits for it or runs on it; filtered by a label selector.
import { live } from '../api.js';
import { h, replace } from '../dom.js';
import { button, ICONS, labelChips, link, openCreateTaskDialog, pageHeader, setLiveStatus, splitTerms, table, timeCell, toast } from '../components.js';

export function render(main, _params, query) {
  const selector = query.get('selector') ?? '';
  const input = h('input.search', { type: 'search', name: 'selector', placeholder: 'Label selector, e.g. role=web, zone=eu', value: selector, autocomplete: 'off' });
  input.addEventListener('change', () => {
    location.hash = input.value.trim() ? `#/fleet?selector=${encodeURIComponent(input.value.trim())}` : '#/fleet';
  });
  const summary = h('div.summary');
  const body = h('div.card.flush', {}, h('p.loading', {}, 'Loading…'));
  replace(
    main,
    pageHeader('Fleet', 'Managed hosts and their agents', button('New task', { kind: 'primary', iconPath: ICONS.plus, name: 'new-task', onclick: () => openCreateTaskDialog({ onCreated: created }) })),
    h('div.toolbar', {}, h('label.search-label', {}, 'Filter', input), summary),
    body,
  );
  const terms = splitTerms(selector);
  const path = `/consumers?page_size=1000${terms.map((t) => `&label_selector=${encodeURIComponent(t)}`).join('')}`;
  return live(path, (view) => draw(view.consumers), setLiveStatus);

  function draw(consumers) {
    const online = consumers.filter((c) => c.online).length;
    const sum = (state) => consumers.reduce((n, c) => n + (c.unfinished[state] ?? 0), 0);
    replace(
      summary,
      stat(consumers.length, consumers.length === 1 ? 'consumer' : 'consumers'),
      stat(online, 'online', 'ok'),
      stat(sum('WAITING') + sum('DISPATCHED'), 'waiting', 'waiting'),
      stat(sum('RUNNING'), 'running', 'running'),
      stat(sum('SCHEDULED'), 'scheduled'),
    );
    replace(
      body,
      table(
        [
          {
            title: 'Consumer',
            cell: (c) => h('div.consumer-cell', {}, h(`span.presence.${c.online ? 'on' : 'off'}`, { title: c.online ? 'online' : 'offline' }), h('div', {}, link(`#/consumers/${encodeURIComponent(c.id)}`, h('strong', {}, c.id)), c.display_name !== c.id ? h('div.muted.small', {}, c.display_name) : null)),
          },
          { title: 'Labels', cell: (c) => labelChips(c.labels) },
          { title: 'Agent', cell: (c) => h(`span.pill.${c.online ? 'pill-ok' : 'pill-off'}`, { dataset: { presence: c.online ? 'online' : 'offline' } }, c.online ? 'online' : 'offline') },
          { title: 'Last seen', cell: (c) => timeCell(c.last_seen_time, { relativeFirst: true }) },
          { title: 'Waiting', class: 'num', cell: (c) => count((c.unfinished.WAITING ?? 0) + (c.unfinished.DISPATCHED ?? 0), 'waiting') },
          { title: 'Running', class: 'num', cell: (c) => count(c.unfinished.RUNNING ?? 0, 'running') },
          { title: 'Scheduled', class: 'num', cell: (c) => count(c.unfinished.SCHEDULED ?? 0, 'scheduled') },
          { title: '', class: 'actions-cell', cell: (c) => button('Task', { iconPath: ICONS.plus, onclick: () => openCreateTaskDialog({ consumerId: c.id, onCreated: created }) }) },
        ],
        consumers,
        { empty: selector ? `No consumer carries ${selector}.` : 'No consumers registered yet: taskplane consumer register <id>.', rowProps: (c) => ({ dataset: { consumer: c.id } }) },
      ),
    );
  }
}

function stat(n, label, kind = '') {
  return h(`span.stat${kind ? `.stat-${kind}` : ''}`, {}, h('strong', {}, String(n)), ` ${label}`);
}

function count(n, kind) {
  return n ? h(`span.count.count-${kind}`, {}, String(n)) : h('span.muted', {}, '0');
}

function created(answer) {
  if (answer.task) {
    toast(h('span', {}, 'Task created: ', link(`#/tasks/${answer.task.id}`, answer.task.id.slice(0, 8))), 'ok');
  } else {
    toast(h('span', {}, `Group of ${answer.tasks.length} tasks created: `, link(`#/groups/${answer.group_id}`, answer.group_id.slice(0, 8))), 'ok');
  }
}
