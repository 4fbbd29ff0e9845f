// Groups: the latest fan-outs and schedule fires, and how far each has got.
import { live } from '../api.js';
import { h, replace } from '../dom.js';
import { shortId } from '../format.js';
import { link, mono, pageHeader, setLiveStatus, stateBar, table, timeCell, zoned } from '../components.js';

export function render(main) {
  const body = h('div.card.flush', {}, h('p.loading', {}, 'Loading…'));
  replace(main, pageHeader('Groups', 'Fan-outs to a fleet (task create --selector) and schedule fires, newest first'), body);
  return live('/groups?limit=50', (view) => replace(body, groupsTable(view.groups)), setLiveStatus);
}

function groupsTable(groups) {
  return table(
    [
      { title: zoned('Created'), class: 'nowrap', cell: (g) => timeCell(g.create_time, { compact: true }) },
      { title: 'Group', cell: (g) => link(`#/groups/${g.group_id}`, mono(shortId(g.group_id), g.group_id)) },
      { title: 'Method', cell: (g) => h('span.method', {}, g.method) },
      { title: 'From', cell: (g) => (g.schedule_id ? link(`#/schedules/${g.schedule_id}`, 'schedule ', mono(shortId(g.schedule_id))) : h('span.muted', {}, 'a create')) },
      { title: 'Progress', class: 'wide', cell: (g) => h('div.group-progress', {}, stateBar(g.by_state, g.total), progressText(g)) },
    ],
    groups,
    { empty: 'No groups yet.', rowProps: (g) => ({ dataset: { group: g.group_id } }) },
  );
}

export function progressText(g) {
  const n = (s) => g.by_state[s] ?? 0;
  const waiting = n('SCHEDULED') + n('WAITING') + n('DISPATCHED');
  const failed = n('FAILED') + n('TIMED_OUT') + n('EXPIRED');
  const parts = [`${n('SUCCEEDED')}/${g.total} succeeded`];
  if (failed) parts.push(`${failed} failed`);
  if (n('RUNNING')) parts.push(`${n('RUNNING')} running`);
  if (waiting) parts.push(`${waiting} waiting`);
  if (n('CANCELED')) parts.push(`${n('CANCELED')} canceled`);
  return h('span.small', {}, parts.join(' · '));
}
