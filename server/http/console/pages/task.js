// One task: what it asked, where it is, what came of it, and every event of
// its life; cancel it from here.
import { live, post } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDuration, formatTime, prettyJson, shortId } from '../format.js';
import { button, card, errorText, facts, ICONS, labelChips, link, mono, pageHeader, setLiveStatus, stateBadge, TERMINAL, timeCell, toast } from '../components.js';

export function render(main, [taskId]) {
  const header = h('div');
  // Outside what each new view redraws, so a reason being typed survives it.
  const confirmSlot = h('div');
  const body = h('div.detail-grid');
  replace(main, h('a.back', { href: '#/tasks' }, '← Tasks'), header, confirmSlot, body);

  return live(`/tasks/${encodeURIComponent(taskId)}`, ({ task, events }) => {
    const ended = TERMINAL.has(task.state);
    const cancel = !ended && !task.cancel_requested_time ? button('Cancel task', { kind: 'danger', iconPath: ICONS.stop, name: 'cancel-task', onclick: () => askCancel(task) }) : null;
    replace(header, pageHeader(h('span.title-with-badge', {}, h('span.method', {}, task.method), stateBadge(task.state)), h('span', {}, 'Task ', mono(task.id), ' on ', link(`#/consumers/${encodeURIComponent(task.consumer_id)}`, task.consumer_id)), cancel));
    if (ended) replace(confirmSlot);
    replace(body, h('div.detail-main', {}, overview(task), outcome(task), argumentsCard(task)), h('div.detail-side', {}, eventsCard(events)));
  }, setLiveStatus);

  function askCancel(task) {
    if (!confirmSlot.firstChild) replace(confirmSlot, cancelForm(task));
  }

  function cancelForm(task) {
    const reason = h('input', { name: 'reason', placeholder: 'Reason (optional), e.g. change window moved', maxlength: 200 });
    const form = h('form.inline-confirm', {},
      h('p', {}, task.state === 'WAITING' || task.state === 'SCHEDULED' ? 'No agent holds this task yet: it ends CANCELED at once.' : 'Its agent holds this task: it is asked to stop, and the task ends when the agent confirms.'),
      reason,
      h('button.btn.btn-danger', { type: 'submit', 'data-action': 'confirm-cancel' }, 'Cancel task'),
      h('button.btn.btn-secondary', { type: 'button', onclick: () => form.remove() }, 'Keep it'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const { task: after } = await post(`/tasks/${encodeURIComponent(task.id)}/cancel`, { reason: reason.value.trim() });
        toast(after.state === 'CANCELED' ? 'Task canceled.' : 'Cancel requested; waiting for the agent.', 'ok');
      } catch (err) {
        toast(errorText(err), 'error');
      }
      form.remove();
    });
    setTimeout(() => reason.focus());
    return form;
  }
}

function overview(t) {
  const took = t.start_time && t.end_time ? formatDuration(Date.parse(t.end_time) - Date.parse(t.start_time)) : '';
  return card('Overview', facts([
    ['Consumer', link(`#/consumers/${encodeURIComponent(t.consumer_id)}`, t.consumer_id)],
    ['Created', timeCell(t.create_time)],
    ['Not before', t.not_before_time && timeCell(t.not_before_time)],
    ['Not after', t.not_after_time && timeCell(t.not_after_time)],
    ['Timeout', t.timeout_duration && formatDuration(parseFloat(t.timeout_duration) * 1000)],
    ['Started', t.start_time && timeCell(t.start_time)],
    ['Ended', t.end_time && h('span', {}, timeCell(t.end_time), took ? h('span.muted', {}, ` after ${took} running`) : null)],
    ['Attempts', String(t.attempt)],
    ['Cancel requested', t.cancel_requested_time && timeCell(t.cancel_requested_time)],
    ['Labels', Object.keys(t.labels).length ? labelChips(t.labels) : ''],
    ['Group', t.group_id && link(`#/groups/${t.group_id}`, mono(shortId(t.group_id), t.group_id))],
    ['Schedule', t.schedule_id && h('span', {}, link(`#/schedules/${t.schedule_id}`, mono(shortId(t.schedule_id), t.schedule_id)), t.fire_time ? h('span.muted', {}, ` fire of ${formatTime(t.fire_time, { seconds: false })}`) : null)],
    ['Idempotency key', t.idempotency_key && mono(t.idempotency_key)],
    ['Trace', t.traceparent && mono(t.traceparent)],
  ]));
}

function outcome(t) {
  const parts = [];
  if (t.progress && !TERMINAL.has(t.state)) {
    const fill = h('span.progress-fill');
    fill.style.width = `${t.progress.percent}%`;
    parts.push(h('div.progress', {}, h('div.progress-bar', {}, fill), h('div.progress-label', {}, `${t.progress.percent}%`, t.progress.message ? ` · ${t.progress.message}` : '', h('span.muted', {}, ' · ', timeCell(t.progress.report_time, { relativeFirst: true })))));
  }
  if (t.state === 'SUCCEEDED') parts.push(h('h3.sub', {}, 'Result'), h('pre.code', {}, prettyJson(t.result_json)));
  if (t.error) {
    parts.push(h('div.error-box', {}, h('div.error-type', {}, t.error.type), h('div', {}, t.error.message)));
    if (t.error.details_json) parts.push(h('details', {}, h('summary', {}, 'Details'), h('pre.code', {}, prettyJson(t.error.details_json))));
  }
  if (!parts.length) parts.push(h('p.muted', {}, t.state === 'SCHEDULED' ? 'Not due yet.' : t.state === 'WAITING' ? "Waiting for its consumer's agent." : t.state === 'DISPATCHED' ? 'Sent to its agent; not accepted yet.' : 'Running; no progress reported yet.'));
  return card('Outcome', ...parts);
}

function argumentsCard(t) {
  return card('Arguments', h('pre.code', {}, prettyJson(t.arguments_json) || '{}'));
}

function eventsCard(events) {
  return card(
    'Events',
    h('ol.events', {}, events.map((e) => h(`li.event.state-${e.state.toLowerCase()}`, { dataset: { type: e.type } },
      h('span.event-dot'),
      h('div.event-body', {},
        h('div.event-head', {}, h('strong', {}, eventTitle(e)), timeCell(e.event_time)),
        e.type === 'PROGRESS' ? null : h('div.muted', {}, e.cause),
        e.error ? h('div.event-error', {}, `${e.error.type}: ${e.error.message}`) : null,
        e.progress ? h('div.muted', {}, `${e.progress.percent}% ${e.progress.message}`) : null)))),
  );
}

function eventTitle(e) {
  switch (e.type) {
    case 'STATE_CHANGED':
      return e.state.replace('_', ' ');
    case 'PROGRESS':
      return `Progress ${e.progress?.percent ?? ''}%`;
    case 'CANCEL_REQUESTED':
      return 'Cancel requested';
    case 'REDELIVERED':
      return 'Sent again';
    default:
      return e.type;
  }
}
