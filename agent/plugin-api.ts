/**
 * The plugin API: a class ("packages") is a set of named methods ("install",
 * ...). A handler gets the task's arguments, a progress function and an
 * AbortSignal that fires on CancelTask or the task's timeout; it returns a
 * JSON-serialisable result or throws.
 */
export interface TaskContext {
  taskId: string;
  args: Record<string, unknown>;
  /** Reports progress (0-100), shown by GetTask and WatchTask. */
  progress(percent: number, message?: string, details?: unknown): void;
  /**
   * Fires when the task is canceled, times out or the agent shuts down:
   * stop, then throw (the task is reported "Canceled"). Return a result only
   * if the work was done anyway: a returned result is reported as the
   * outcome, because it is what happened on the host.
   */
  signal: AbortSignal;
  /**
   * The W3C trace context the task was created in (its caller's, or its
   * schedule fire's), e.g. to continue the trace in spans or pass it on as
   * a TRACEPARENT environment variable; undefined when it has none.
   */
  traceparent?: string;
  /**
   * Records the id of a process group the handler started (a command run in
   * its own group), so an agent that dies while the task runs stops that
   * group when it comes back instead of leaving it orphaned.
   */
  trackProcessGroup(pgid: number): void;
}

export type MethodHandler = (context: TaskContext) => Promise<unknown>;

export interface MethodSpec {
  run: MethodHandler;
  /**
   * True if running it twice does no harm. A task of a method that is not
   * re-run safe and was running when the agent died (or whose journal entry
   * was lost) is reported FAILED ("Interrupted") instead of being run again.
   */
  rerunSafe?: boolean;
}

export type PluginClass = Record<string, MethodHandler | MethodSpec>;

/** A failure with a type the server and users can act on (e.g. "PackageNotFound"). */
export class TaskFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = type;
  }
}

export class PluginRegistry {
  private readonly methods = new Map<string, MethodSpec>();

  register(className: string, methods: PluginClass): this {
    for (const [name, entry] of Object.entries(methods)) {
      this.methods.set(`${className}.${name}`, typeof entry === 'function' ? { run: entry } : entry);
    }
    return this;
  }

  get(method: string): MethodSpec | undefined {
    return this.methods.get(method);
  }

  /** For the hello message: class -> methods. */
  capabilities(): Array<{ className: string; methods: string[] }> {
    const byClass = new Map<string, string[]>();
    for (const name of this.methods.keys()) {
      const [cls, method] = name.split('.');
      byClass.set(cls, [...(byClass.get(cls) ?? []), method]);
    }
    return [...byClass.entries()].map(([className, methods]) => ({ className, methods }));
  }
}
