// One consumer on one time axis: its tasks (past, running, scheduled), what
// happened to it (history), and the fires of schedules that target it, with
// their windows, in the viewer's time zone and in the schedule's.
import { live } from '../api.js';
import { h, replace } from '../dom.js';
import { formatClock, formatDay, formatTime, formatZoneLocal, shortId, viewerZone } from '../format.js';
import { button, card, ICONS, labelChips, link, mono, openCreateTaskDialog, pageHeader, setLiveStatus, table, timeCell, toast, zoned } from '../components.js';
import { tasksTable } from './tasks.js';

const HOUR = 3600_000;
const RANGES = { day: [12, 12], '3d': [24, 48], week: [24 * 7, 24 * 7] };

export function render(main, [consumerId], query) {
  const range = RANGES[query.get('range')] ? query.get('range') : '3d';
  const header = h('div');
  const axis = h('div.card.timeline-card', {}, h('p.loading', {}, 'Loading…'));
  const lower = h('div.detail-grid');
  const rangeButtons = h('div.segmented', { role: 'group', 'aria-label': 'Range' },
    Object.entries({ day: 'Day', '3d': '3 days', week: 'Week' }).map(([key, label]) =>
      h(`a.segment-btn${key === range ? '.on' : ''}`, { href: `#/consumers/${encodeURIComponent(consumerId)}?range=${key}` }, label)));
  replace(main, h('a.back', { href: '#/fleet' }, '← Fleet'), header, h('div.toolbar', {}, rangeButtons, h('span.muted.small', {}, `Times in ${viewerZone}; schedule times also on their own zone's clock.`)), axis, lower);

  const [back, ahead] = RANGES[range];
  let stop = () => {};
  // The span moves with the clock: follow it again every few minutes.
  const follow = () => {
    stop();
    const now = Date.now();
    const from = new Date(now - back * HOUR).toISOString();
    const to = new Date(now + ahead * HOUR).toISOString();
    stop = live(`/consumers/${encodeURIComponent(consumerId)}/timeline?from=${from}&to=${to}`, draw, setLiveStatus);
  };
  follow();
  const refollow = setInterval(follow, 5 * 60_000);
  return () => {
    clearInterval(refollow);
    stop();
  };

  function draw(view) {
    const c = view.consumer;
    replace(
      header,
      pageHeader(
        h('span.title-with-badge', {}, c.id, h(`span.pill.${c.online ? 'pill-ok' : 'pill-off'}`, { dataset: { presence: c.online ? 'online' : 'offline' } }, c.online ? 'online' : 'offline')),
        h('span', {}, c.display_name !== c.id ? `${c.display_name} · ` : '', 'last seen ', timeCell(c.last_seen_time, { relativeFirst: true }), ' · ', labelChips(c.labels)),
        button('New task', { kind: 'primary', iconPath: ICONS.plus, name: 'new-task', onclick: () => openCreateTaskDialog({ consumerId: c.id, onCreated: (a) => a.task && toast(h('span', {}, 'Task created: ', link(`#/tasks/${a.task.id}`, shortId(a.task.id))), 'ok') }) }),
      ),
    );
    replace(axis, timeAxis(view));
    replace(
      lower,
      h('div.detail-main', {}, firesCard([...view.fires].sort((a, b) => Date.parse(a.fire_time) - Date.parse(b.fire_time))), card('Tasks in this span', tasksTable(view.tasks, new Set(), { showConsumer: false }))),
      h('div.detail-side', {}, historyCard(view.history)),
    );
  }
}

function timeAxis(view) {
  const from = Date.parse(view.from);
  const to = Date.parse(view.to);
  const now = Date.parse(view.now);
  const x = (t) => `${Math.min(100, Math.max(0, ((t - from) / (to - from)) * 100))}%`;
  const place = (el, start, end) => {
    el.style.left = x(start);
    if (end !== undefined) el.style.width = `max(6px, calc(${x(end)} - ${x(start)}))`;
    return el;
  };

  const ticks = h('div.axis-ticks');
  const step = to - from <= 26 * HOUR ? 3 * HOUR : to - from <= 4 * 24 * HOUR ? 6 * HOUR : 24 * HOUR;
  // Ticks on the viewer's wall clock: whole hours (or midnights) in their zone.
  const firstTick = new Date(from);
  firstTick.setMinutes(0, 0, 0);
  for (let t = firstTick.getTime(); t <= to; t += HOUR) {
    const d = new Date(t);
    if (t < from || d.getHours() % (step / HOUR) !== 0) continue;
    const midnight = d.getHours() === 0;
    ticks.append(place(h(`div.tick${midnight ? '.midnight' : ''}`, {}, h('span', {}, midnight ? formatDay(d.toISOString()) : formatClock(d.toISOString()))), t));
  }

  const rows = packRows(view.tasks.map((t) => {
    const start = Date.parse(t.not_before_time && t.state === 'SCHEDULED' ? t.not_before_time : t.create_time);
    const end = t.end_time ? Date.parse(t.end_time) : t.state === 'SCHEDULED' ? start : now;
    return { t, start, end: Math.max(end, start) };
  }), from, to);
  const taskLane = h('div.lane-body', {}, rows.flatMap((row, i) => row.map(({ t, start, end }) => {
    const bar = place(h(`a.bar.state-${t.state.toLowerCase()}${t.state === 'SCHEDULED' ? '.hollow' : ''}`, { href: `#/tasks/${t.id}`, title: `${t.method} · ${t.state}\ncreated ${formatTime(t.create_time)}${t.end_time ? `\nended ${formatTime(t.end_time)}` : ''}` }), start, end);
    bar.style.top = `${6 + i * 16}px`;
    return bar;
  })));
  taskLane.style.height = `${Math.max(1, rows.length) * 16 + 12}px`;

  const historyLane = h('div.lane-body', {}, view.history.map((e) => place(h('span.marker.history', { title: `${e.type}\n${formatTime(e.event_time)}` }), Date.parse(e.event_time))));
  const fireLane = h('div.lane-body', {}, view.fires.flatMap((f) => [
    f.window_end_time ? place(h('span.window', { title: `window until ${formatTime(f.window_end_time, { seconds: false })}` }), Date.parse(f.fire_time), Date.parse(f.window_end_time)) : null,
    place(h('span.marker.fire', { title: `${f.method} (${f.cron}, ${f.time_zone})\n${formatTime(f.fire_time, { seconds: false })} your time\n${formatZoneLocal(f.fire_time_local)} ${f.time_zone}` }), Date.parse(f.fire_time)),
  ]));

  const nowLine = place(h('div.now-line', {}, h('span', {}, 'now')), now);
  return h('div.timeline', {},
    h('div.lane', {}, h('div.lane-title'), ticks),
    h('div.lane', {}, h('div.lane-title', {}, 'Tasks'), taskLane),
    h('div.lane', {}, h('div.lane-title', {}, 'History'), historyLane),
    h('div.lane', {}, h('div.lane-title', {}, 'Scheduled'), fireLane),
    h('div.now-track', {}, nowLine),
    h('div.legend', {}, ['SUCCEEDED', 'FAILED', 'RUNNING', 'WAITING', 'SCHEDULED', 'CANCELED'].map((s) => h('span.legend-item', {}, h(`span.swatch.state-${s.toLowerCase()}`), s.toLowerCase())), h('span.legend-item', {}, h('span.marker.history.static'), 'history'), h('span.legend-item', {}, h('span.marker.fire.static'), 'schedule fire'), h('span.legend-item', {}, h('span.window.static'), 'its window')));
}

/** Bars into rows so that none overlaps another (at most 8 rows; the rest share the last). */
function packRows(items, from, to) {
  const minGap = (to - from) / 150;
  const rows = [];
  for (const item of items.sort((a, b) => a.start - b.start)) {
    const row = rows.find((r) => r[r.length - 1].end + minGap <= item.start) ?? (rows.length < 8 ? rows[rows.push([]) - 1] : rows[rows.length - 1]);
    row.push(item);
  }
  return rows;
}

function firesCard(fires) {
  return card(
    'Upcoming scheduled fires',
    table(
      [
        { title: 'Your time', class: 'nowrap', cell: (f) => h('time.fire-local', { datetime: f.fire_time }, formatTime(f.fire_time, { seconds: false })) },
        { title: "Schedule's time", class: 'nowrap', cell: (f) => h('span.fire-zone', {}, formatZoneLocal(f.fire_time_local), h('div.muted.small', {}, f.time_zone)) },
        { title: zoned('Window until'), class: 'nowrap', cell: (f) => (f.window_end_time ? h('span', { title: `${formatZoneLocal(f.window_end_time_local)} ${f.time_zone}` }, formatTime(f.window_end_time, { seconds: false, zone: false })) : h('span.muted', {}, 'no window')) },
        { title: 'Schedule', cell: (f) => h('div', {}, link(`#/schedules/${f.schedule_id}`, h('span.method', {}, f.method)), h('div.muted.small.nowrap', {}, h('code', {}, f.cron))) },
      ],
      fires,
      { empty: 'No schedule fires for this consumer in this span.', rowProps: (f) => ({ dataset: { fire: f.schedule_id, fireTime: f.fire_time } }) },
    ),
  );
}

function historyCard(history) {
  return card(
    'History',
    history.length
      ? h('ol.events', {}, history.map((e) => h('li.event', {},
          h('span.event-dot.history'),
          h('div.event-body', {},
            h('div.event-head', {}, h('strong', {}, e.type.replace(/_/g, ' ')), timeCell(e.event_time)),
            e.task_id ? h('div.small', {}, 'task ', link(`#/tasks/${e.task_id}`, mono(shortId(e.task_id), e.task_id))) : null,
            e.details_json && e.details_json !== '{}' ? h('div.muted.small.clip', { title: e.details_json }, e.details_json) : null))))
      : h('p.muted', {}, 'Nothing recorded in this span.'),
  );
}
