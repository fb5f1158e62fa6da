/**
 * Scraping over loopback, as Prometheus does: a real HTTP server on 127.0.0.1 (port 0), a real
 * request, and the exposition read by the Prometheus project's parser (see parse-exposition.ts).
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExposition, type Family, type Sample } from './parse-exposition.js';

/** A server listening on loopback; `close()` ends it. */
export interface Served {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  close(): Promise<void>;
}

export async function serve(handler: RequestListener): Promise<Served> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      ),
  };
}

/** One histogram series: cumulative counts by `le`, count and sum. */
export interface ParsedHistogram {
  readonly buckets: Readonly<Record<string, number>>;
  readonly count: number;
  readonly sum: number;
}

/** A scrape, parsed. */
export interface Scrape {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  readonly families: readonly Family[];
  /** The type of the family with a sample named `name` (`troupe_tasks_total` → `counter`). */
  typeOf(name: string): string | undefined;
  /** The value of the sample `name` with exactly `labels`; `undefined` when there is none. */
  value(name: string, labels: Record<string, string>): number | undefined;
  /** The histogram `name` with exactly `labels` (besides `le`); `undefined` when there is none. */
  histogram(name: string, labels: Record<string, string>): ParsedHistogram | undefined;
  /** Every sample whose labels include `labels`. */
  samplesWith(labels: Record<string, string>): Sample[];
}

const sameLabels = (
  own: Readonly<Record<string, string>>,
  labels: Record<string, string>,
): boolean => {
  const keys = Object.keys(own);
  return keys.length === Object.keys(labels).length && keys.every((k) => own[k] === labels[k]);
};

/** Fetches `url` and parses what it serves (`'text'`, or `'openmetrics'` for such a registry). */
export async function scrape(
  url: string,
  format: 'text' | 'openmetrics' = 'text',
): Promise<Scrape> {
  const response = await fetch(url);
  const text = await response.text();
  const families = response.status === 200 ? await parseExposition(text, format) : [];
  const samples = families.flatMap((f) => f.samples);
  const find = (name: string, labels: Record<string, string>) =>
    samples.find((s) => s.name === name && sameLabels(s.labels, labels));
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    families,
    typeOf: (name) => families.find((f) => f.samples.some((s) => s.name === name))?.type,
    value: (name, labels) => find(name, labels)?.value,
    histogram: (name, labels) => {
      const count = find(`${name}_count`, labels);
      const sum = find(`${name}_sum`, labels);
      if (count === undefined || sum === undefined) return undefined;
      const buckets: Record<string, number> = {};
      for (const s of samples) {
        if (s.name !== `${name}_bucket`) continue;
        const { le, ...rest } = s.labels;
        if (le !== undefined && sameLabels(rest, labels)) buckets[le] = s.value;
      }
      return { buckets, count: count.value, sum: sum.value };
    },
    samplesWith: (labels) =>
      samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)),
  };
}
