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

  onTask(taskId: string, listener: () => void): () => void {
    this.emitter.on(`task:${taskId}`, listener);
    return () => this.emitter.off(`task:${taskId}`, listener);
  }

  onAnyTask(listener: () => void): () => void {
    this.emitter.on('task', listener);
    return () => this.emitter.off('task', listener);
  }
}
