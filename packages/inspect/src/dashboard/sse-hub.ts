/**
 * The pages connected to `/events`, as Server-Sent Events: each gets everything at once when it
 * connects, then every change as it happens. A page that does not read (its socket's buffer past
 * `maxBufferedBytes`) is dropped rather than buffered for without end; it reconnects and starts
 * again from a fresh snapshot.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class SseHub {
  readonly #clients = new Set<ServerResponse>();
  #closed = false;

  constructor(
    private readonly maxClients: number,
    private readonly maxBufferedBytes = 1 << 20,
  ) {}

  /** Pages connected now. */
  get size(): number {
    return this.#clients.size;
  }

  /** Answers a request for the stream: 503 when full or closed; else the stream, `first` first. */
  open(request: IncomingMessage, response: ServerResponse, first: () => string): void {
    if (this.#closed || this.#clients.size >= this.maxClients) {
      response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' });
      response.end(this.#closed ? 'the dashboard is closing\n' : 'too many pages connected\n');
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.#clients.add(response);
    const drop = (): void => {
      this.#clients.delete(response);
    };
    request.on('close', drop);
    response.on('close', drop);
    response.write(first());
  }

  /** Sends `data` as event `type` to every page. */
  send(type: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    const message = frame(type, data);
    for (const client of this.#clients) {
      if (client.writableLength > this.maxBufferedBytes) {
        this.#clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(message);
    }
  }

  /** Ends every stream; later requests get 503. */
  close(): void {
    this.#closed = true;
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

/** One Server-Sent Event: JSON has no line breaks, so `data` is one line. */
export function frame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
