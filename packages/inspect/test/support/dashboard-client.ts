/**
 * A test's side of a dashboard: its event stream read as a browser's EventSource would, and
 * plain requests. Waits are bounded in real time: the server is a real socket.
 */
import { request, type IncomingMessage } from 'node:http';

/** One Server-Sent Event. */
export interface StreamEvent {
  readonly type: string;
  readonly data: unknown;
}

/** The dashboard's event stream, read as it arrives. */
export interface EventStream {
  readonly events: StreamEvent[];
  /** Whether the server ended the stream. */
  readonly ended: boolean;
  /** Resolves with the first event (already there or to come) matching `test`. */
  next(test: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves when the server ends the stream. */
  end(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openEvents(url: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const events: StreamEvent[] = [];
    const waiters = new Set<() => void>();
    let ended = false;
    let buffer = '';
    const wake = (): void => {
      for (const waiter of [...waiters]) waiter();
    };
    const req = request(new URL('events', url), { headers: { Accept: 'text/event-stream' } });
    req.on('error', reject);
    req.on('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        reject(new Error(`/events answered ${response.statusCode}`));
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          events.push({ type, data: JSON.parse(data) as unknown });
        }
        wake();
      });
      const finish = (): void => {
        ended = true;
        wake();
      };
      response.on('end', finish);
      response.on('close', finish);
      resolve({
        events,
        get ended() {
          return ended;
        },
        next(test, timeoutMs = 5_000) {
          return waitFor(
            () => events.find(test),
            `an event matching ${test.toString()}`,
            timeoutMs,
          );
        },
        end(timeoutMs = 5_000) {
          return waitFor(() => (ended ? true : undefined), 'the end of the stream', timeoutMs).then(
            () => undefined,
          );
        },
        close() {
          req.destroy();
        },
      });
    });
    req.end();

    function waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
      return new Promise((done, fail) => {
        const check = (): void => {
          const found = find();
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          done(found);
        };
        // Real time: the server answers over a socket.
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(
            new Error(
              `timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => e.type))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    }
  });
}

/** A request to the dashboard: its status, headers and body. */
export async function call(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(new URL(path, url), init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}
