// Schedules: each one's cron and zone, target, next fire, and pause/resume.
import { live, post } from '../api.js';
import { h, replace } from '../dom.js';
import { formatTime, relative, viewerZone } from '../format.js';
import { button, errorText, ICONS, link, pageHeader, setLiveStatus, table, timeCell, toast } from '../components.js';

export function render(main) {
  const body = h('div.card.flush', {}, h('p.loading', {}, 'Loading…'));
  replace(main, pageHeader('Schedules', 'Recurring tasks: cron in a time zone, each fire within its window'), body);
  return live('/schedules?page_size=1000', (view) => replace(body, schedulesTable(view.schedules)), setLiveStatus);
}

function schedulesTable(schedules) {
  return table(
    [
      { title: 'Schedule', cell: (s) => h('div', {}, link(`#/schedules/${s.id}`, h('code.mono', {}, s.cron)), h('div.muted.small', {}, s.time_zone)) },
      { title: 'Runs', cell: (s) => h('span.method', {}, s.method) },
      { title: 'On', cell: (s) => target(s) },
      { title: 'Next fire', class: 'nowrap', cell: (s) => (s.paused ? h('span.pill.pill-off', {}, 'paused') : s.next_fire_time ? h('div', {}, timeCell(s.next_fire_time, { seconds: false }), h('div.muted.small', {}, relative(s.next_fire_time), s.time_zone !== viewerZone ? ` · ${formatTime(s.next_fire_time, { seconds: false, timeZone: s.time_zone })} there` : '')) : h('span.muted', {}, 'no more fires')) },
      { title: 'Last fire', cell: (s) => timeCell(s.last_fire_time, { relativeFirst: true }) },
      { title: 'Missed', class: 'num', cell: (s) => (s.missed_fire_count ? h('span.count.count-missed', {}, String(s.missed_fire_count)) : h('span.muted', {}, '0')) },
      { title: '', class: 'actions-cell', cell: (s) => pauseButton(s) },
    ],
    schedules,
    { empty: 'No schedules yet: taskplane schedule create.', rowProps: (s) => ({ dataset: { schedule: s.id, paused: String(s.paused) } }) },
  );
}

export function target(s) {
  return s.target.consumer_id ? link(`#/consumers/${encodeURIComponent(s.target.consumer_id)}`, s.target.consumer_id) : h('span.chips', {}, s.target.consumer_selector.map((term) => h('span.chip', {}, term)));
}

export function pauseButton(s) {
  return button(s.paused ? 'Resume' : 'Pause', {
    iconPath: s.paused ? ICONS.play : ICONS.pause,
    name: s.paused ? 'resume' : 'pause',
    onclick: async () => {
      try {
        await post(`/schedules/${s.id}/${s.paused ? 'resume' : 'pause'}`);
        toast(s.paused ? 'Schedule resumed.' : 'Schedule paused: no fires until it is resumed.', 'ok');
      } catch (err) {
        toast(errorText(err), 'error');
      }
    },
  });
}
