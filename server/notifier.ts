import { EventEmitter } from 'node:events';

/**
 * In-process wake-ups after a commit: "task X changed". Watchers and the
 * dispatcher react at once instead of polling. It carries no data: the store
 * stays the only source of truth, so a missed or duplicated wake-up costs at
 * most one extra read and never a wrong answer. (Changes made by other
 * servers are picked up by the readers' own bounded polling.)
 */
export class ChangeNotifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per live watcher; there is no fixed bound.
    this.emitter.setMaxListeners(0);
  }

  taskChanged(taskId: string): void {
    this.emitter.emit(`task:${taskId}`);
    this.emitter.emit('task');
  }

  /** A rolled-out group moved (a wave, a pause...): its watchers, like a task's, read again. */
  groupChanged(groupId: string): void {
    this.emitter.emit(`group:${groupId}`);
    this.emitter.emit('task');
  }

  /** Consumer C has a task that may be ready to send (created, released, or a slot freed). */
  consumerHasWork(consumerId: string): void {
    this.emitter.emit('consumer-work', consumerId);
  }

  onConsumerWork(listener: (consumerId: string) => void): () => void {
    this.emitter.on('consumer-work', listener);
    return () => this.emitter.off('consumer-work', listener);
  }

  /** A task of consumer C in flight was asked to cancel: its agent must be told. */
  cancelRequested(consumerId: string): void {
    this.emitter.emit('consumer-cancel', consumerId);
  }

  onCancelRequested(listener: (consumerId: string) => void): () => void {
    this.emitter.on('consumer-cancel', listener);
    return () => this.emitter.off('consumer-cancel', listener);
  }

  /** Something (a task's not_before or not_after, a schedule's next fire) falls due at `due` (epoch ms). */
  dueTimeChanged(due: number): void {
    this.emitter.emit('due', due);
  }

  onDueTimeChanged(listener: (due: number) => void): () => void {
    this.emitter.on('due', listener);
    return () => this.emitter.off('due', listener);
  }

  onTask(taskId: string, listener: () => void): () => void {
    this.emitter.on(`task:${taskId}`, listener);
    return () => this.emitter.off(`task:${taskId}`, listener);
  }

  /** A consumer's agent connected or went away here (its online state and last seen changed). */
  consumerChanged(consumerId: string): void {
    this.emitter.emit('consumer', consumerId);
  }

  onConsumerChanged(listener: (consumerId: string) => void): () => void {
    this.emitter.on('consumer', listener);
    return () => this.emitter.off('consumer', listener);
  }

  onAnyTask(listener: () => void): () => void {
    this.emitter.on('task', listener);
    return () => this.emitter.off('task', listener);
  }
}
