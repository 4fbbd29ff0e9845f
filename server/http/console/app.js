// The console: a page per route of the location's hash (#/fleet,
// #/tasks?..., #/tasks/<id>, #/consumers/<id>, #/schedules[/<id>],
// #/groups[/<id>]). Each page follows one live view of the API and renders
// it again whenever it changes.
import { h, replace } from './dom.js';
import { viewerZone } from './format.js';
import { setLiveStatus } from './components.js';
import * as fleet from './pages/fleet.js';
import * as tasks from './pages/tasks.js';
import * as task from './pages/task.js';
import * as timeline from './pages/timeline.js';
import * as schedules from './pages/schedules.js';
import * as schedule from './pages/schedule.js';
import * as groups from './pages/groups.js';
import * as group from './pages/group.js';

const ROUTES = [
  [/^\/fleet$/, fleet, 'fleet'],
  [/^\/tasks$/, tasks, 'tasks'],
  [/^\/tasks\/([^/]+)$/, task, 'tasks'],
  [/^\/consumers\/([^/]+)$/, timeline, 'fleet'],
  [/^\/schedules$/, schedules, 'schedules'],
  [/^\/schedules\/([^/]+)$/, schedule, 'schedules'],
  [/^\/groups$/, groups, 'groups'],
  [/^\/groups\/([^/]+)$/, group, 'groups'],
];

let leave = () => {};

function route() {
  const hash = location.hash.replace(/^#/, '') || '/fleet';
  const [path, search = ''] = hash.split('?');
  const match = ROUTES.map(([pattern, page, tab]) => [pattern.exec(path), page, tab]).find(([m]) => m);
  leave();
  leave = () => {};
  const main = document.getElementById('page');
  if (!match) {
    location.replace('#/fleet');
    return;
  }
  const [m, page, tab] = match;
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.dataset.tab === tab);
  replace(main);
  setLiveStatus('connecting');
  const params = m.slice(1).map(decodeURIComponent);
  leave = page.render(main, params, new URLSearchParams(search)) ?? (() => {});
  window.scrollTo(0, 0);
}

function layout() {
  const nav = [
    ['#/fleet', 'Fleet', 'fleet'],
    ['#/tasks', 'Tasks', 'tasks'],
    ['#/schedules', 'Schedules', 'schedules'],
    ['#/groups', 'Groups', 'groups'],
  ];
  document.body.append(
    h(
      'header.topbar',
      {},
      h('a.brand', { href: '#/fleet' }, h('img', { src: '/console/logo.svg', alt: '', width: 22, height: 22 }), h('span', {}, 'taskplane')),
      h('nav.nav', {}, nav.map(([href, label, tab]) => h('a', { href, dataset: { tab } }, label))),
      h('div.topbar-right', {},
        h('span.zone', { title: 'Times are shown in your browser\'s time zone' }, `Times in ${viewerZone}`),
        h('span#live-status.live-status', { dataset: { state: 'connecting' } }, h('span.live-dot'), h('span.live-text', {}, 'Connecting…'))),
    ),
    h('main#page.page'),
    h('div#toast.toast', { role: 'status', 'aria-live': 'polite' }),
  );
}

layout();
window.addEventListener('hashchange', route);
route();
