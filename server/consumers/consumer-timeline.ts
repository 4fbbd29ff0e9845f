import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { InvalidArgumentError } from '../errors';
import type { PageTokens } from '../paging';
import type { PreviewedFire, ScheduleManager } from '../scheduling/schedule-manager';
import { timelineHistory, timelineTasks, type TimelineEdge } from '../store/timeline-store';
import type { TaskRecord } from '../tasks/task-record';
import type { ConsumerManager } from './consumer-manager';
import type { HistoryEventRecord } from './consumer-record';

/** A fire ahead of a schedule that targets the consumer. */
export interface UpcomingFireRecord {
  scheduleId: string;
  method: string;
  timeZone: string;
  fire: PreviewedFire;
}

export type TimelineEntryRecord =
  | { kind: 'history'; time: number; event: HistoryEventRecord }
  | { kind: 'task'; time: number; task: TaskRecord }
  | { kind: 'fire'; time: number; fire: UpcomingFireRecord };

export interface TimelineRequest {
  consumerId: string;
  beforeTime: number | null;
  afterTime: number | null;
  pageSize: number;
  pageToken: string;
}

export interface TimelinePage {
  /** Oldest first. */
  entries: TimelineEntryRecord[];
  olderPageToken: string;
  newerPageToken: string;
}

/** Upcoming fires further ahead than this are not on the timeline. */
export const UPCOMING_HORIZON_MS = 366 * 24 * 3600_000;

/**
 * An entry's place on the axis: its time, then its kind (history, task,
 * fire: the rank), then a tie-breaker of that kind (history id, task seq,
 * schedule id), so that every entry has exactly one place and a page edge
 * between two entries at the same instant is still exact. Rank -1 is an
 * anchor (before_time, after_time, now) that sits before every entry of
 * its instant.
 */
interface Key {
  time: number;
  rank: number;
  tie: number | string;
}

type Direction = 'older' | 'newer';
type Fetch = (direction: Direction, cursor: Key, limit: number) => Promise<{ entries: TimelineEntryRecord[]; more: boolean }>;
type Targeting = Awaited<ReturnType<ScheduleManager['schedulesTargeting']>>;

const RANK = { history: 0, task: 1, fire: 2 } as const;

function keyOf(entry: TimelineEntryRecord): Key {
  switch (entry.kind) {
    case 'history':
      return { time: entry.time, rank: RANK.history, tie: entry.event.id };
    case 'task':
      return { time: entry.time, rank: RANK.task, tie: entry.task.seq };
    case 'fire':
      return { time: entry.time, rank: RANK.fire, tie: entry.fire.scheduleId };
  }
}

function compare(a: Key, b: Key): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.rank !== b.rank) return a.rank - b.rank;
  return a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0;
}

const anchor = (time: number): Key => ({ time, rank: -1, tie: '' });

/** The store's view of "beyond `cursor`" for the entries of one rank. */
function edgeFor(rank: number, cursor: Key, direction: Direction): TimelineEdge {
  const sameTime = rank === cursor.rank ? { tie: Number(cursor.tie) } : (rank < cursor.rank) === (direction === 'older') ? 'all' : 'none';
  return { direction, time: cursor.time, sameTime };
}

/**
 * A consumer's timeline: its tasks (at their create time), its history
 * events and the upcoming fires of the schedules that target it, merged on
 * one time axis and paged either way from an anchor. Each page reads at
 * most page size + 1 entries of each kind beyond its edge, through indexes
 * that start with the consumer, and probes one entry the other way.
 */
export class ConsumerTimeline {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly consumers: ConsumerManager,
    private readonly schedules: ScheduleManager,
    private readonly pageTokens: PageTokens,
  ) {}

  async page(request: TimelineRequest): Promise<TimelinePage> {
    const { consumerId, beforeTime, afterTime, pageSize, pageToken } = request;
    const given = [beforeTime !== null && 'before_time', afterTime !== null && 'after_time', pageToken !== '' && 'page_token'].filter(Boolean);
    if (given.length > 1) throw new InvalidArgumentError(String(given[1]), `cannot be combined with ${given[0]}: give at most one of before_time, after_time and page_token`);
    await this.consumers.get(consumerId);
    const now = this.clock.now();
    const targeting = (await this.schedules.schedulesTargeting(consumerId)).filter((s) => !s.paused);
    const fetch: Fetch = (direction, cursor, limit) => this.beyond(consumerId, targeting, now, direction, cursor, limit);

    if (pageToken) {
      const { direction, cursor } = this.decode(consumerId, pageToken);
      return this.oneWay(consumerId, fetch, direction, cursor, pageSize);
    }
    if (beforeTime !== null) return this.oneWay(consumerId, fetch, 'older', anchor(beforeTime), pageSize);
    if (afterTime !== null) return this.oneWay(consumerId, fetch, 'newer', anchor(afterTime), pageSize);
    // Centred on now: the recent past and what comes next.
    const older = await fetch('older', anchor(now), Math.floor(pageSize / 2));
    const newer = await fetch('newer', anchor(now), pageSize - older.entries.length);
    const entries = [...older.entries.reverse(), ...newer.entries];
    return {
      entries,
      olderPageToken: older.more ? this.encode(consumerId, 'older', entries.length ? keyOf(entries[0]) : anchor(now)) : '',
      newerPageToken: newer.more ? this.encode(consumerId, 'newer', entries.length ? keyOf(entries[entries.length - 1]) : anchor(now)) : '',
    };
  }

  /** A page going one way from `cursor`, and a probe of one entry the other way for its token. */
  private async oneWay(consumerId: string, fetch: Fetch, direction: Direction, cursor: Key, pageSize: number): Promise<TimelinePage> {
    const page = await fetch(direction, cursor, pageSize);
    // The other way starts at the page's entry nearest the cursor (the cursor itself if the page is empty).
    const nearEdge = page.entries.length ? keyOf(page.entries[0]) : cursor;
    const farEdge = page.entries.length ? keyOf(page.entries[page.entries.length - 1]) : cursor;
    const back = await fetch(direction === 'older' ? 'newer' : 'older', nearEdge, 0);
    const token = (d: Direction, key: Key, exists: boolean) => (exists ? this.encode(consumerId, d, key) : '');
    return {
      entries: direction === 'older' ? page.entries.reverse() : page.entries,
      olderPageToken: direction === 'older' ? token('older', farEdge, page.more) : token('older', nearEdge, back.more),
      newerPageToken: direction === 'newer' ? token('newer', farEdge, page.more) : token('newer', nearEdge, back.more),
    };
  }

  /** Up to `limit` entries strictly beyond `cursor` in `direction`, nearest first, and whether there are more. */
  private async beyond(consumerId: string, targeting: Targeting, now: number, direction: Direction, cursor: Key, limit: number): Promise<{ entries: TimelineEntryRecord[]; more: boolean }> {
    const [history, tasks] = await Promise.all([
      timelineHistory(this.db, consumerId, edgeFor(RANK.history, cursor, direction), limit + 1),
      timelineTasks(this.db, consumerId, edgeFor(RANK.task, cursor, direction), limit + 1),
    ]);
    const entries: TimelineEntryRecord[] = [
      ...history.map((event): TimelineEntryRecord => ({ kind: 'history', time: event.eventTime, event })),
      ...tasks.map((task): TimelineEntryRecord => ({ kind: 'task', time: task.createTime, task })),
      // One more per schedule: the one at the cursor's own instant may be filtered out below.
      ...this.upcomingFires(targeting, now, direction, cursor, limit + 2),
    ];
    const sign = direction === 'older' ? -1 : 1;
    const ordered = entries.filter((e) => sign * compare(keyOf(e), cursor) > 0).sort((a, b) => sign * compare(keyOf(a), keyOf(b)));
    return { entries: ordered.slice(0, limit), more: ordered.length > limit };
  }

  /** The fires in [now, now + horizon) beyond `cursor`: the nearest `limit` of each schedule (the caller filters out the cursor's own place). */
  private upcomingFires(targeting: Targeting, now: number, direction: Direction, cursor: Key, limit: number): TimelineEntryRecord[] {
    const horizon = now + UPCOMING_HORIZON_MS;
    // Fires at the cursor's instant are read too (and filtered by key): nextFire looks strictly after its start.
    const after = direction === 'newer' ? Math.max(now, cursor.time) - 1 : now - 1;
    const before = direction === 'newer' ? horizon : Math.min(horizon, cursor.time + 1);
    if (before <= after + 1) return [];
    return targeting.flatMap((s) =>
      this.schedules.firesBetween(s, after, before, limit, direction === 'older').map((fire): TimelineEntryRecord => ({
        kind: 'fire',
        time: fire.fireTime,
        fire: { scheduleId: s.id, method: s.spec.template.method, timeZone: s.spec.timeZone, fire },
      })),
    );
  }

  private encode(consumerId: string, direction: Direction, key: Key): string {
    return this.pageTokens.encode(JSON.stringify({ d: direction, t: key.time, r: key.rank, k: key.tie }), { timeline: consumerId });
  }

  private decode(consumerId: string, token: string): { direction: Direction; cursor: Key } {
    const text = this.pageTokens.decode<string>('page_token', token, { timeline: consumerId }, 'string')!;
    const c = JSON.parse(text);
    const validTie = c.r === RANK.fire || c.r === -1 ? typeof c.k === 'string' : Number.isSafeInteger(c.k);
    if ((c.d !== 'older' && c.d !== 'newer') || !Number.isSafeInteger(c.t) || ![-1, 0, 1, 2].includes(c.r) || !validTie) throw new InvalidArgumentError('page_token', 'is malformed');
    return { direction: c.d, cursor: { time: c.t, rank: c.r, tie: c.k } };
  }
}
