// One group: how many of its hosts succeeded, failed or wait, and its tasks.
import { live, post } from '../api.js';
import { h, replace } from '../dom.js';
import { button, card, errorText, ICONS, link, mono, pageHeader, setLiveStatus, stateBar, TERMINAL, timeCell, toast } from '../components.js';
import { progressText } from './groups.js';
import { tasksTable } from './tasks.js';

export function render(main, [groupId]) {
  const header = h('div');
  const body = h('div');
  replace(main, h('a.back', { href: '#/groups' }, '← Groups'), header, body);
  return live(`/groups/${encodeURIComponent(groupId)}`, ({ group: g, tasks }) => {
    const open = tasks.some((t) => !TERMINAL.has(t.state));
    const cancel = open ? button('Cancel group', { kind: 'danger', iconPath: ICONS.stop, name: 'cancel-group', onclick: () => cancelGroup(g.group_id) }) : null;
    replace(header, pageHeader(h('span.title-with-badge', {}, 'Group ', mono(g.group_id)), h('span', {}, h('span.method', {}, g.method), ' on ', String(g.total), g.total === 1 ? ' consumer' : ' consumers', g.schedule_id ? h('span', {}, ', a fire of ', link(`#/schedules/${g.schedule_id}`, 'its schedule')) : null, ' · created ', timeCell(g.create_time)), cancel));
    replace(body, card(null, h('div.group-progress.big', {}, stateBar(g.by_state, g.total), progressText(g))), h('div.card.flush', {}, tasksTable(tasks)));
  }, setLiveStatus);
}

async function cancelGroup(groupId) {
  try {
    await post(`/groups/${encodeURIComponent(groupId)}/cancel`, { reason: 'canceled from the console' });
    toast('Every unfinished task of the group was canceled (or its agent asked to stop).', 'ok');
  } catch (err) {
    toast(errorText(err), 'error');
  }
}
