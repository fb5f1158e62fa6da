/**
 * A real `redis-server` for the distributed suites: on 127.0.0.1, a free port, its own temp
 * dir, no persistence (`--save '' --appendonly no`), stopped by the test that started it.
 * `.ci/run` installs Debian's `redis-server`; without it the suites fail, saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly port: number;
  /** ioredis connection options for it. */
  readonly connection: { readonly host: string; readonly port: number };
  /** Stops it (its data is gone: nothing is persisted) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  /** Stops it and removes its dir. */
  stop(): Promise<void>;
}

/** A fresh queue name per test. */
export function queueName(what: string): string {
  return `${what}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'troupe-redis-'));
  let child = await launch(port, dir);
  return {
    port,
    connection: { host: '127.0.0.1', port },
    async restart(downMs = 0) {
      await halt(child);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch(port, dir);
    },
    async stop() {
      await halt(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'redis-server is not installed: the distributed suites need a real Redis (apt-get install redis-server; .ci/run installs it)',
            )
          : error,
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)),
    );
  });
}

function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}
