import type { Knex } from 'knex';
import type { HistoryEventRecord } from '../consumers/consumer-record';
import type { TaskRecord } from '../tasks/task-record';
import { rowToHistory } from './consumer-store';
import { rowToTask, smallColumnsOf } from './task-store';

/**
 * The SQL of a consumer's timeline: its tasks by create time and its
 * history by event time, read a page at a time on either side of an edge,
 * each through an index that starts with the consumer
 * (tasks_by_consumer_create_time, consumer_history_by_consumer_time).
 */

/**
 * Where a page starts. `older`: rows before the edge, newest first;
 * `newer`: rows after it, oldest first. Rows at exactly `time` are all in
 * (`all`), all out (`none`), or only those whose tie-breaker (seq, id) is
 * beyond `tie` in the page's direction.
 */
export interface TimelineEdge {
  direction: 'older' | 'newer';
  time: number;
  sameTime: 'all' | 'none' | { tie: number };
}

function beyond(q: Knex.QueryBuilder, timeColumn: string, tieColumn: string, edge: TimelineEdge): Knex.QueryBuilder {
  const past = edge.direction === 'older' ? '<' : '>';
  const order = edge.direction === 'older' ? 'desc' : 'asc';
  const { sameTime } = edge;
  q.where(function withinPage() {
    this.where(timeColumn, past, edge.time);
    if (sameTime === 'all') this.orWhere(timeColumn, edge.time);
    else if (sameTime !== 'none') this.orWhere((same) => same.where(timeColumn, edge.time).andWhere(tieColumn, past, sameTime.tie));
  });
  return q.orderBy(timeColumn, order).orderBy(tieColumn, order);
}

/** Up to `limit` of the consumer's tasks beyond `edge`, without their large fields. */
export async function timelineTasks(db: Knex, consumerId: string, edge: TimelineEdge, limit: number): Promise<TaskRecord[]> {
  const columns = (await smallColumnsOf(db)).map((c) => `tasks.${c}`);
  const q = db('tasks').select(columns).where('tasks.consumer_id', consumerId).limit(limit);
  return (await beyond(q, 'tasks.create_time', 'tasks.seq', edge)).map(rowToTask);
}

/** Up to `limit` of the consumer's history events beyond `edge`. */
export async function timelineHistory(db: Knex, consumerId: string, edge: TimelineEdge, limit: number): Promise<HistoryEventRecord[]> {
  const q = db('consumer_history').where('consumer_id', consumerId).limit(limit);
  return (await beyond(q, 'event_time', 'id', edge)).map(rowToHistory);
}
