import path from 'node:path';
import { parseArgs } from 'node:util';

/** Where bench/ lives in the source tree, whether this runs from bench/ or dist/bench/. */
export const BENCH_SOURCE_DIR = path.basename(path.resolve(__dirname, '..')) === 'dist' ? path.resolve(__dirname, '..', '..', 'bench') : __dirname;

export const PHASES = ['throughput', 'latency', 'history', 'release', 'cross-server', 'streams', 'backlog'] as const;
/** Phases run when --phases is not given (cross-server, streams and backlog start servers of their own and take minutes at full size, so they are asked for by name). */
export const DEFAULT_PHASES = ['throughput', 'latency', 'history', 'release'];
export type Phase = (typeof PHASES)[number];
export const CREATE_MODES = ['batched', 'single'] as const;
export type CreateMode = (typeof CREATE_MODES)[number];

export interface BenchOptions {
  /** Measured seconds of the throughput phase (after the warm-up). */
  durationS: number;
  /** Warm-up seconds before the throughput and latency phases (not measured). */
  warmupS: number;
  /** Offered rate of the latency phase, tasks per second. */
  rate: number;
  /** Measured seconds of the latency phase. */
  latencyDurationS: number;
  /** Seconds of the history (packages.install) phase. */
  historyDurationS: number;
  consumers: number;
  /** Tasks each agent runs at once (AgentHello.concurrency). */
  concurrency: number;
  /** CreateTask calls in flight in the closed loops. */
  inFlight: number;
  /** How producers create: through the client library's TaskCreator (batched) or one CreateTask call per task (single). */
  creates: CreateMode;
  /** Throughput phase: at most this many created tasks not yet SUCCEEDED (0: no bound, creates run ahead). */
  maxOutstanding: number;
  /** Where the agents' state directories (journals) go; default the system temp dir. */
  agentStateDir: string | null;
  /** gRPC channels (HTTP/2 connections) the bench clients spread calls over. */
  clientChannels: number;
  phases: Phase[];
  /** MySQL server URL without a database name. */
  mysqlUrl: string;
  /** The server's connections go through this Unix socket (null: TCP to mysqlUrl's host). */
  mysqlSocket: string | null;
  /** When set: run the server and the agents process with --cpu-prof into this directory and summarise the profiles. */
  cpuProfDir: string | null;
  /** The JSON report. */
  output: string;
  /** Longest wait for the tasks of a phase to finish after its last CreateTask. */
  drainTimeoutS: number;
  /** Where the server keeps its state: a fresh MySQL database, or a fresh SQLite file (the embedded default). */
  store: 'mysql' | 'sqlite';
  /** Release phase: SCHEDULED tasks (0: a fifth of --rate x --latency-duration). */
  releaseTasks: number;
  /** Release phase: seconds their due times spread over (0: --latency-duration). */
  releaseSpreadS: number;
  /** Streams phase: idle agent streams. */
  streams: number;
  /** Streams phase: agent streams per HTTP/2 connection (0: 1, or as few as the open-file limits allow). */
  streamsPerConnection: number;
  /** Streams and backlog phases: at least this many stream-client processes. */
  streamProcesses: number;
  /** Streams phase: seconds the server's CPU at rest is measured over. */
  restSeconds: number;
  /** Backlog phase: tasks stored before the restart, finished and WAITING. */
  backlogTasks: number;
  /** Backlog phase: of those, WAITING, spread over --backlog-consumers. */
  backlogWaiting: number;
  backlogConsumers: number;
}

export const BENCH_USAGE = `npm run bench -- [flags]      (or: node dist/bench/run.js [flags])

Starts a taskplane server on a fresh MySQL database, registers consumers,
runs their agents in one separate process, and measures throughput, latency
and resource use. Every flag also reads an environment variable.

  --duration S          BENCH_DURATION           measured seconds of the throughput phase (15)
  --warmup S            BENCH_WARMUP             unmeasured warm-up before throughput and latency (3)
  --rate N              BENCH_RATE               offered tasks/s of the latency phase (500)
  --latency-duration S  BENCH_LATENCY_DURATION   measured seconds of the latency phase (15)
  --history-duration S  BENCH_HISTORY_DURATION   seconds of the packages.install phase (5)
  --consumers N         BENCH_CONSUMERS          consumers, one agent each (50)
  --concurrency N       BENCH_AGENT_CONCURRENCY  tasks each agent runs at once (8)
  --in-flight N         BENCH_IN_FLIGHT          CreateTask calls in flight in closed loops (200)
  --max-outstanding N   BENCH_MAX_OUTSTANDING    throughput phase: pause creates while this many tasks are
                                                 unfinished, so completions, not queueing, set the pace
                                                 (2000; 0 = no bound)
  --agent-state-dir DIR BENCH_AGENT_STATE_DIR    parent of the agents' journals (system temp dir); /dev/shm
                                                 models agents on their own hosts (no shared disk)
  --creates MODE        BENCH_CREATES            batched: producers create through the client library's
                                                 TaskCreator, which sends the creates of one event-loop
                                                 turn as one BatchCreateTasks call (default); single: one
                                                 CreateTask call per task
  --client-channels N   BENCH_CLIENT_CHANNELS    gRPC connections of the bench clients (2)
  --phases LIST         BENCH_PHASES             comma-separated subset of throughput,latency,history,release,
                                                 cross-server (default: all but cross-server, which starts a
                                                 second server B and measures, in one open loop at --rate,
                                                 create -> SUCCEEDED of tasks created on the agents' server A
                                                 against tasks created on B)
  --mysql-url URL       BENCH_MYSQL_URL          MySQL server, no database (mysql://root@127.0.0.1:3306;
                                                 falls back to TASKPLANE_TEST_MYSQL_URL)
  --mysql-socket PATH   BENCH_MYSQL_SOCKET       the server reaches that MySQL through its Unix socket PATH
                                                 (a database URL's ?socket=), not loopback TCP
  --cpu-prof DIR        BENCH_CPU_PROF           profile the server and agents processes (node --cpu-prof)
                                                 into DIR and print the top functions by self time
  --output FILE         BENCH_OUTPUT             JSON report (bench/results/latest.json)
  --drain-timeout S     BENCH_DRAIN_TIMEOUT      longest wait for a phase's tasks to finish (120)
  --store mysql|sqlite  BENCH_STORE              the server's store: a fresh MySQL database or a fresh SQLite
                                                 file, the embedded default (mysql)
  --release-tasks N     BENCH_RELEASE_TASKS      release: SCHEDULED tasks (a fifth of rate x latency-duration)
  --release-spread S    BENCH_RELEASE_SPREAD     release: seconds their due times spread over (latency-duration)

  Phases asked for by name (each on its own database and server process):
  streams   N idle agent streams from separate processes over 127.0.0.2..9 connect at once;
            reports the time until all are welcomed, server RSS, server CPU at rest
  --streams N           BENCH_STREAMS            idle agent streams (50000)
  --streams-per-connection N  BENCH_STREAMS_PER_CONNECTION  streams multiplexed per HTTP/2 connection
                                                 (0 = one each, or as few as the open-file limits allow)
  --stream-processes N  BENCH_STREAM_PROCESSES   stream-client processes, at least (4)
  --rest-seconds S      BENCH_REST_SECONDS       how long CPU at rest is measured (30)
  backlog   stores finished + WAITING tasks, restarts the server (time until Health SERVING and a
            CreateTask answered), then the WAITING tasks' consumers connect and drain them
            (throughput, and whether each consumer got its tasks oldest first)
  --backlog-tasks N     BENCH_BACKLOG_TASKS      tasks stored, finished and WAITING (1000000)
  --backlog-waiting N   BENCH_BACKLOG_WAITING    of which WAITING (100000)
  --backlog-consumers N BENCH_BACKLOG_CONSUMERS  consumers the WAITING tasks are for (1000)`;

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rate: { type: 'string' },
      'latency-duration': { type: 'string' },
      'history-duration': { type: 'string' },
      consumers: { type: 'string' },
      concurrency: { type: 'string' },
      'in-flight': { type: 'string' },
      'max-outstanding': { type: 'string' },
      'agent-state-dir': { type: 'string' },
      'client-channels': { type: 'string' },
      creates: { type: 'string' },
      phases: { type: 'string' },
      'mysql-url': { type: 'string' },
      'mysql-socket': { type: 'string' },
      'cpu-prof': { type: 'string' },
      output: { type: 'string' },
      'drain-timeout': { type: 'string' },
      store: { type: 'string' },
      'release-tasks': { type: 'string' },
      'release-spread': { type: 'string' },
      streams: { type: 'string' },
      'streams-per-connection': { type: 'string' },
      'stream-processes': { type: 'string' },
      'rest-seconds': { type: 'string' },
      'backlog-tasks': { type: 'string' },
      'backlog-waiting': { type: 'string' },
      'backlog-consumers': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const num = (flag: string, value: string | undefined, envName: string, fallback: number, min: number, integer = true): number => {
    const text = value ?? env[envName];
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`--${flag} (${envName}) must be ${integer ? 'an integer' : 'a number'} >= ${min}, not "${text}"`);
    return n;
  };
  const phasesText = values.phases ?? env.BENCH_PHASES ?? DEFAULT_PHASES.join(',');
  const phases = phasesText.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of phases) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--phases: unknown phase "${p}" (known: ${PHASES.join(', ')})`);
  const concurrency = num('concurrency', values.concurrency, 'BENCH_AGENT_CONCURRENCY', 8, 1);
  if (concurrency > 256) throw new Error('--concurrency must be at most 256 (AgentHello.concurrency)');
  const creates = values.creates ?? env.BENCH_CREATES ?? 'batched';
  if (!(CREATE_MODES as readonly string[]).includes(creates)) throw new Error(`--creates (BENCH_CREATES) must be one of ${CREATE_MODES.join(', ')}, not "${creates}"`);
  const cpuProf = values['cpu-prof'] ?? env.BENCH_CPU_PROF ?? '';
  const store = values.store ?? env.BENCH_STORE ?? 'mysql';
  if (store !== 'mysql' && store !== 'sqlite') throw new Error(`--store (BENCH_STORE) must be mysql or sqlite, not "${store}"`);
  return {
    durationS: num('duration', values.duration, 'BENCH_DURATION', 15, 0.1, false),
    warmupS: num('warmup', values.warmup, 'BENCH_WARMUP', 3, 0, false),
    rate: num('rate', values.rate, 'BENCH_RATE', 500, 0.1, false),
    latencyDurationS: num('latency-duration', values['latency-duration'], 'BENCH_LATENCY_DURATION', 15, 0.1, false),
    historyDurationS: num('history-duration', values['history-duration'], 'BENCH_HISTORY_DURATION', 5, 0.1, false),
    consumers: num('consumers', values.consumers, 'BENCH_CONSUMERS', 50, 1),
    concurrency,
    inFlight: num('in-flight', values['in-flight'], 'BENCH_IN_FLIGHT', 200, 1),
    creates: creates as CreateMode,
    maxOutstanding: num('max-outstanding', values['max-outstanding'], 'BENCH_MAX_OUTSTANDING', 2000, 0),
    agentStateDir: values['agent-state-dir'] ?? env.BENCH_AGENT_STATE_DIR ?? null,
    clientChannels: num('client-channels', values['client-channels'], 'BENCH_CLIENT_CHANNELS', 2, 1),
    phases: PHASES.filter((p) => phases.includes(p)),
    mysqlUrl: (values['mysql-url'] ?? env.BENCH_MYSQL_URL ?? env.TASKPLANE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''),
    mysqlSocket: values['mysql-socket'] ?? env.BENCH_MYSQL_SOCKET ?? null,
    cpuProfDir: cpuProf ? path.resolve(cpuProf) : null,
    output: path.resolve(values.output ?? env.BENCH_OUTPUT ?? path.join(BENCH_SOURCE_DIR, 'results', 'latest.json')),
    drainTimeoutS: num('drain-timeout', values['drain-timeout'], 'BENCH_DRAIN_TIMEOUT', 120, 1, false),
    store,
    releaseTasks: num('release-tasks', values['release-tasks'], 'BENCH_RELEASE_TASKS', 0, 0),
    releaseSpreadS: num('release-spread', values['release-spread'], 'BENCH_RELEASE_SPREAD', 0, 0, false),
    streams: num('streams', values.streams, 'BENCH_STREAMS', 50_000, 1),
    streamsPerConnection: num('streams-per-connection', values['streams-per-connection'], 'BENCH_STREAMS_PER_CONNECTION', 0, 0),
    streamProcesses: num('stream-processes', values['stream-processes'], 'BENCH_STREAM_PROCESSES', 4, 1),
    restSeconds: num('rest-seconds', values['rest-seconds'], 'BENCH_REST_SECONDS', 30, 1, false),
    backlogTasks: num('backlog-tasks', values['backlog-tasks'], 'BENCH_BACKLOG_TASKS', 1_000_000, 1),
    backlogWaiting: num('backlog-waiting', values['backlog-waiting'], 'BENCH_BACKLOG_WAITING', 100_000, 1),
    backlogConsumers: num('backlog-consumers', values['backlog-consumers'], 'BENCH_BACKLOG_CONSUMERS', 1000, 1),
  };
}
