/**
 * The exposition read by a parser this project did not write: the Prometheus project's own
 * Python client (`prometheus_client.parser`, and its strict OpenMetrics parser), Debian's
 * `python3-prometheus-client`, which `.ci/run` installs. The npm parsers of the text format
 * (`parse-prometheus-text-format`, `exposition`) lose the labels of every histogram that has
 * any, which is every histogram here; the Python client is maintained with Prometheus itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** One sample as the parser read it. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family as the parser read it. */
export interface Family {
  /** The family's name (the parser drops a counter's `_total`: its samples keep it). */
  readonly name: string;
  /** `counter`, `gauge`, `histogram`, `summary`, `unknown`, … */
  readonly type: string;
  readonly help: string;
  readonly samples: readonly Sample[];
}

/** Debian's interpreter, which has Debian's `python3-prometheus-client` (not a pyenv one). */
const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys
if sys.argv[1] == 'openmetrics':
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families
families = [
    {'name': f.name, 'type': f.type, 'help': f.documentation,
     'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}
    for f in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
`;

/**
 * Parses `text` as the Prometheus text format (`'text'`) or OpenMetrics (`'openmetrics'`, whose
 * parser also checks a histogram's buckets are cumulative and end in `+Inf` equal to its count).
 * Rejects with the parser's own message when the text is not valid.
 */
export function parseExposition(text: string, format: 'text' | 'openmetrics'): Promise<Family[]> {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `${PYTHON} is needed to parse the exposition: apt-get install python3 python3-prometheus-client`,
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, format], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Family[]);
      else reject(new Error(`the ${format} parser refused the exposition:\n${stderr}\n${text}`));
    });
    child.stdin.end(text);
  });
}
