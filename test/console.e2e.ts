import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { call } from '../client/client';
import { startAgentProcess, tempDir, type AgentProcess } from './helpers/agent-process';
import { launchBrowser, screenshot, watchForErrors } from './helpers/browser';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore } from './helpers/stores';

const WAIT = { timeout: 15_000 };

/**
 * The console in a real browser (Debian's Chromium through playwright-core),
 * against a real server on the embedded SQLite store with a real agent
 * process: one browser for the file, one page reused. Every wait is for
 * something to appear on the page, with a deadline; nothing reloads the page
 * after it is opened, so what changes on it came through its live views.
 * Screenshots go to test-output/screenshots/.
 */
describe('the console in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: () => string[];
  let t: TestServer;
  let agent: AgentProcess | undefined;
  let credential: string;

  before(async function () {
    browser = await launchBrowser(this);
    t = await startServerOn(await createTestStore('sqlite'), { httpListen: '127.0.0.1:0' });
    context = await signedIn(await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin' }), t.token);
    page = await context.newPage();
    errors = watchForErrors(page);
    credential = (await call(t.clients.consumers, 'registerConsumer', { consumerId: 'console-web-1', labels: { role: 'web', zone: 'eu' }, displayName: 'Web server 1' })).credential;
    await call(t.clients.consumers, 'registerConsumer', { consumerId: 'console-db-1', labels: { role: 'db' } });
  });

  after(async function () {
    await agent?.stop();
    await browser?.close();
    if (t) {
      t.clients.close();
      await t.server.stop('test finished');
      await t.store.drop();
    }
  });

  afterEach(function () {
    if (errors) assert.deepEqual(errors(), [], 'the page logged no error');
  });

  const url = (hash: string) => `http://127.0.0.1:${t.server.httpPort}/${hash}`;

  /** The browser context as a person who entered `token` in the console (it keeps it for the tab). */
  async function signedIn(context: BrowserContext, token: string): Promise<BrowserContext> {
    await context.addInitScript((value) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('taskplane.token', value), token);
    return context;
  }

  /** Marks the loaded document, to prove later that it was never reloaded. */
  async function markDocument(): Promise<void> {
    await page.evaluate(() => ((globalThis as { marked?: boolean }).marked = true));
  }
  async function assertNotReloaded(): Promise<void> {
    assert.equal(await page.evaluate(() => (globalThis as { marked?: boolean }).marked), true, 'the page was not reloaded');
  }

  it('fleet: shows a consumer going online when its agent connects', async () => {
    await page.goto(url('#/fleet'));
    const row = page.locator('tr[data-consumer="console-web-1"]');
    await row.locator('[data-presence="offline"]').waitFor(WAIT);
    await markDocument();
    agent = await startAgentProcess(t.address, 'console-web-1', credential, tempDir('console-agent'));
    await row.locator('[data-presence="online"]').waitFor(WAIT);
    assert.match(await row.innerText(), /Web server 1/);
    await assertNotReloaded();
    await screenshot(page, 'fleet');
  });

  it('tasks: a task created from the page appears in the live list and reaches SUCCEEDED without reload', async () => {
    await page.goto(url('#/tasks'));
    await page.locator('table').waitFor(WAIT);
    await markDocument();
    await page.click('[data-action="new-task"]');
    const dialog = page.locator('dialog');
    await dialog.locator('select[name="consumer_id"] option[value="console-web-1"]').waitFor({ state: 'attached', ...WAIT });
    await dialog.locator('select[name="consumer_id"]').selectOption('console-web-1');
    await dialog.locator('input[name="method"]').fill('testing.echo');
    await dialog.locator('textarea[name="arguments_json"]').fill('{"from": "the console"}');
    await dialog.locator('input[name="labels"]').fill('change=CHG-1042');
    await dialog.locator('button[type="submit"]').click();
    const created = page.locator('#toast a');
    await created.waitFor(WAIT);
    const taskId = (await created.getAttribute('href'))!.replace('#/tasks/', '');
    await page.locator(`tr[data-task="${taskId}"]`).waitFor(WAIT);
    await page.locator(`tr[data-task="${taskId}"][data-state="SUCCEEDED"]`).waitFor(WAIT);
    await assertNotReloaded();
    const { task } = await call(t.clients.tasks, 'getTask', { taskId });
    assert.equal(task!.state, 'TASK_STATE_SUCCEEDED');
    assert.deepEqual(JSON.parse(task!.resultJson), { from: 'the console' });
    assert.deepEqual(task!.labels, { change: 'CHG-1042' });
    await screenshot(page, 'tasks');
  });

  it('tasks: the create dialog shows what the server refuses, naming the field, and creates nothing', async () => {
    await page.goto(url('#/tasks'));
    await page.click('[data-action="new-task"]');
    const dialog = page.locator('dialog');
    await dialog.locator('input[name="method"]').fill('install');
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.form-error', { hasText: 'INVALID_ARGUMENT: method: "install" is not of the form class.method' }).waitFor(WAIT);
    await screenshot(page, 'create-refused');
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    const { tasks } = await call(t.clients.tasks, 'listTasks', { method: 'install' }).catch(() => ({ tasks: [] }));
    assert.equal(tasks.length, 0);
  });

  it('consumer timeline: shows an upcoming scheduled fire at the right local time, and on the schedule\'s clock', async () => {
    const { schedule } = await call(t.clients.schedules, 'createSchedule', {
      spec: { cron: '30 14 * * *', timeZone: 'Europe/Berlin', taskTemplate: { method: 'system.info' }, target: { consumerSelector: ['role=web'] }, windowDuration: { seconds: '3600' } },
    });
    const { fires } = await call(t.clients.schedules, 'previewSchedule', { scheduleId: schedule!.id, count: 1 });
    const fireTime = new Date(Number(fires[0].fireTime!.seconds) * 1000);
    for (const timezoneId of ['America/New_York', 'Asia/Tokyo']) {
      // A viewer elsewhere: the fire shows on their wall clock.
      const viewer = await signedIn(await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId }), t.token);
      try {
        const there = await viewer.newPage();
        const thereErrors = watchForErrors(there);
        await there.goto(url('#/consumers/console-web-1'));
        const row = there.locator(`tr[data-fire-time="${fireTime.toISOString()}"]`);
        await row.waitFor(WAIT);
        assert.match(await row.locator('.fire-local').innerText(), new RegExp(`^${wallClock(fireTime, timezoneId)} `), `the fire on a ${timezoneId} wall clock`);
        assert.match(await row.locator('.fire-zone').innerText(), /^\d{4}-\d{2}-\d{2} 14:30 \(\+0[12]:00\)\s+Europe\/Berlin$/);
        assert.match(await there.locator('.zone').innerText(), new RegExp(`Times in ${timezoneId}`));
        if (timezoneId === 'America/New_York') await screenshot(there, 'timeline');
        assert.deepEqual(thereErrors(), []);
      } finally {
        await viewer.close();
      }
    }
  });

  it('task page: cancel from the page stops a running task on its agent', async () => {
    const { task } = await call(t.clients.tasks, 'createTask', { consumerId: 'console-web-1', method: 'testing.wait', argumentsJson: JSON.stringify({ release_file: path.join(tempDir('console-wait'), 'never') }) });
    await page.goto(url(`#/tasks/${task!.id}`));
    await page.locator('.page-header .badge.state-running').waitFor(WAIT);
    await markDocument();
    await page.click('[data-action="cancel-task"]');
    await page.fill('input[name="reason"]', 'change window moved');
    await page.click('[data-action="confirm-cancel"]');
    await page.locator('.page-header .badge.state-canceled').waitFor(WAIT);
    await page.locator('.event[data-type="CANCEL_REQUESTED"]').waitFor(WAIT);
    await assertNotReloaded();
    const after = (await call(t.clients.tasks, 'getTask', { taskId: task!.id })).task!;
    assert.equal(after.state, 'TASK_STATE_CANCELED');
    assert.match(after.cancelRequestedTime ? 'requested' : '', /requested/);
    await screenshot(page, 'task-canceled');
  });

  it('task page: cancel is refused for a viewer, and the task runs on', async () => {
    const { secret } = await call(t.clients.tokens, 'createToken', { name: 'looker', role: 'TOKEN_ROLE_VIEWER' });
    const viewerContext = await signedIn(await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin' }), secret);
    try {
      const { task } = await call(t.clients.tasks, 'createTask', { consumerId: 'console-web-1', method: 'testing.wait', argumentsJson: JSON.stringify({ release_file: path.join(tempDir('console-viewer'), 'never') }) });
      const there = await viewerContext.newPage();
      await there.goto(url(`#/tasks/${task!.id}`));
      await there.locator('.page-header .badge.state-running').waitFor(WAIT);
      await there.click('[data-action="cancel-task"]');
      await there.fill('input[name="reason"]', 'not mine to cancel');
      await there.click('[data-action="confirm-cancel"]');
      await there.getByText(/PERMISSION_DENIED: tasks\.cancel/).first().waitFor(WAIT);
      await screenshot(there, 'viewer-refused');
      assert.equal((await call(t.clients.tasks, 'getTask', { taskId: task!.id })).task!.state, 'TASK_STATE_RUNNING', 'the refusal changed nothing');
      await call(t.clients.tasks, 'cancelTask', { taskId: task!.id });
    } finally {
      await viewerContext.close();
    }
  });

  it('schedules and groups: pause from the page, and a fan-out\'s progress', async () => {
    await page.goto(url('#/schedules'));
    const row = page.locator('tr[data-schedule][data-paused="false"]').first();
    await row.waitFor(WAIT);
    const scheduleId = (await row.getAttribute('data-schedule'))!;
    await row.locator('[data-action="pause"]').click();
    await page.locator(`tr[data-schedule="${scheduleId}"][data-paused="true"]`).waitFor(WAIT);
    assert.equal((await call(t.clients.schedules, 'getSchedule', { scheduleId })).schedule!.paused, true);
    await screenshot(page, 'schedules');

    const group = await call(t.clients.tasks, 'createTaskGroup', { consumerSelector: ['role=web'], template: { method: 'testing.echo' } });
    await page.goto(url(`#/groups/${group.groupId}`));
    await page.locator('.group-progress', { hasText: '1/1 succeeded' }).waitFor(WAIT);
    await screenshot(page, 'group');
  });
});

/** "YYYY-MM-DD HH:MM" of `date` on the wall clock of `timeZone`. */
function wallClock(date: Date, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
