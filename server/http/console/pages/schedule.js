// One schedule: its spec, its next fires (the preview, on the viewer's clock
// and the schedule's), and what each recorded fire came to.
import { live } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDuration, formatTime, formatZoneLocal, shortId } from '../format.js';
import { card, facts, labelChips, link, mono, pageHeader, setLiveStatus, table, timeCell } from '../components.js';
import { pauseButton, target } from './schedules.js';

const OUTCOMES = {
  created: ['created', 'ok'],
  skipped_overlap: ['skipped: the previous fire was still running', 'warn'],
  empty_selection: ['no consumer matched', 'off'],
  missed: ['missed: no server was running', 'bad'],
};
// Fires the scheduler did not run on time say who ran them.
const TRIGGERS = { catch_up: 'caught up', manual: 'triggered by hand', backfill: 'backfilled' };

export function render(main, [scheduleId]) {
  const header = h('div');
  const body = h('div.detail-grid');
  replace(main, h('a.back', { href: '#/schedules' }, '← Schedules'), header, body);
  return live(`/schedules/${encodeURIComponent(scheduleId)}`, ({ schedule: s, preview, fires }) => {
    replace(header, pageHeader(h('span.title-with-badge', {}, h('code.mono.big', {}, s.cron), s.paused ? h('span.pill.pill-off', {}, 'paused') : h('span.pill.pill-ok', {}, 'active')), h('span', {}, `in ${s.time_zone}, runs `, h('span.method', {}, s.method), ' on ', target(s)), pauseButton(s)));
    replace(
      body,
      h('div.detail-main', {},
        card('Next fires', table(
          [
            { title: 'Your time', cell: (f) => h('time', { datetime: f.fire_time }, formatTime(f.fire_time, { seconds: false })) },
            { title: `${s.time_zone} time`, cell: (f) => formatZoneLocal(f.fire_time_local) },
            { title: 'Window until', cell: (f) => (f.window_end_time ? formatTime(f.window_end_time, { seconds: false }) : h('span.muted', {}, 'no window')) },
          ],
          preview.fires,
          { empty: 'It will not fire again.' },
        ), s.paused ? h('p.muted.small', {}, 'While paused, these fires do not happen; resuming plans from then on.') : null),
        card('Recorded fires', table(
          [
            { title: 'Fire', cell: (f) => timeCell(f.fire_time, { seconds: false }) },
            { title: 'Outcome', cell: (f) => h('span', { title: f.detail }, h(`span.pill.pill-${OUTCOMES[f.outcome]?.[1] ?? 'off'}`, { dataset: { outcome: f.outcome } }, OUTCOMES[f.outcome]?.[0] ?? f.outcome), TRIGGERS[f.trigger] ? h('span.muted.small', {}, ` ${TRIGGERS[f.trigger]}`) : null) },
            { title: 'Tasks', cell: (f) => (f.group_id && f.task_count ? link(`#/groups/${f.group_id}`, `${f.task_count} in group ${shortId(f.group_id)}`) : h('span.muted', {}, '—')) },
            { title: 'Handled', cell: (f) => h('span.muted', {}, formatDuration(Date.parse(f.record_time) - Date.parse(f.fire_time)), ' late') },
          ],
          fires,
          { empty: 'No fire yet.' },
        ))),
      h('div.detail-side', {}, card('Spec', facts([
        ['Id', mono(s.id)],
        ['Cron', mono(s.cron)],
        ['Time zone', s.time_zone],
        ['Method', h('span.method', {}, s.method)],
        ['Arguments', h('code.mono.clip', { title: s.arguments_json }, s.arguments_json)],
        ['Labels', Object.keys(s.labels).length ? labelChips(s.labels) : ''],
        ['Window', s.window_duration ? formatDuration(parseFloat(s.window_duration) * 1000) : 'none'],
        ['Timeout', s.timeout_duration && formatDuration(parseFloat(s.timeout_duration) * 1000)],
        ['Starts', s.start_time && timeCell(s.start_time)],
        ['Ends', s.end_time && timeCell(s.end_time)],
        ['Overlap', s.overlap_policy.toLowerCase()],
        ['Catch-up', s.catch_up_policy.toLowerCase()],
        ['Missed fires', String(s.missed_fire_count)],
        ['Created', timeCell(s.create_time)],
      ]))),
    );
  }, setLiveStatus);
}
