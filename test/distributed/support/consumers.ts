/**
 * Consumer child processes (fixtures/consumer.mjs) for the distributed suites. They run the
 * packages' sources, as the tests do (the threads suites' module hooks): no build needed, and
 * nothing read from a `dist/` that the packaging suite may be rebuilding meanwhile.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../fixtures/consumer.mjs', import.meta.url));
const register = fileURLToPath(
  new URL('../../threads/support/register-sources.mjs', import.meta.url),
);

export interface ConsumerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once it takes jobs. */
  readonly ready: Promise<void>;
  /** Graceful close; resolves when it exited. */
  close(): Promise<void>;
  /** SIGKILL; resolves when it is gone. */
  kill(): Promise<void>;
}

export interface ConsumerSettings {
  readonly redisPort: number;
  readonly queue: string;
  readonly poolSize?: number;
  readonly taskMs?: number;
  readonly logFile?: string;
  readonly lockMs?: number;
  readonly stalledMs?: number;
}

export function spawnConsumer(name: string, settings: ConsumerSettings): ConsumerProcess {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    CONSUMER_NAME: name,
    REDIS_PORT: String(settings.redisPort),
    QUEUE: settings.queue,
    POOL_SIZE: String(settings.poolSize ?? 4),
    TASK_MS: String(settings.taskMs ?? 0),
  };
  if (settings.logFile !== undefined) env.LOG_FILE = settings.logFile;
  if (settings.lockMs !== undefined) env.LOCK_MS = String(settings.lockMs);
  if (settings.stalledMs !== undefined) env.STALLED_MS = String(settings.stalledMs);
  const child = fork(script, [], {
    env,
    execArgv: ['--import', register],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code, signal) =>
      reject(new Error(`consumer ${name} exited (${code ?? signal}) before it was ready`)),
    );
  });
  ready.catch(() => undefined);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    child,
    ready,
    async close() {
      if (!gone()) child.send('close');
      await exited;
    },
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
  };
}
