/** The tracing section of the report: a pool traced with sampling off against the same pool untraced. */
import { TRACING_TASKS } from './tracing.mjs';

const count = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

export function tracingLines(t) {
  return t.shapes.map(
    (s) =>
      `tracing (${s.name}, ${count(s.n)} trivial tasks, pool of ${t.size}): no tracer ${count(s.median.untraced)}/s, ` +
      `tracer with sampling off ${count(s.median.unsampled)}/s; sampling off / no tracer ${ratio(s.median.unsampled, s.median.untraced)} ` +
      `(per round ${spread(s.perRound)})`,
  );
}

export function tracingTable(t) {
  return [
    `| Load (pool of ${t.size}, trivial tasks) | No tracer (tasks/s) | Tracer, sampling off (tasks/s) | Sampling off / no tracer | per round |`,
    '| :--- | ---: | ---: | ---: | ---: |',
    ...t.shapes.map(
      (s) =>
        `| ${count(s.n)} tasks, ${s.name} | ${count(s.median.untraced)} | ${count(s.median.unsampled)} | ${ratio(s.median.unsampled, s.median.untraced)} | ${spread(s.perRound)} |`,
    ),
  ].join('\n');
}

export function tracingSection(env, t) {
  return `## Tracing

What OpenTelemetry tracing costs a pool that has it on and records nothing, against the same pool
without it. Medians of ${env.tracingRounds} rounds.

${tracingTable(t)}

- \`bench/tracing.mjs\`. Each measurement makes a fresh pool of ${t.size} (\`worker: async (x) => x\`,
  \`queue.capacity: Infinity\`), with \`tracing: { tracer }\` from a \`BasicTracerProvider\` whose sampler is
  \`AlwaysOffSampler\` (every span non-recording) or without the option, times ${count(TRACING_TASKS)} submits
  (all at once into a preallocated array, or 1,000 in flight) once it is running, and closes it. An
  AsyncLocalStorage context manager is registered for both. Rounds alternate which goes first.
- A pool without \`tracing\` runs none of the tracing code: the option is read once at creation, and the
  task path asks one \`undefined\` check at a submit and at a settle. So "no tracer" is every untraced pool;
  the difference in this table is what a traced pool pays per task when its sampler says no (the
  submitter's context kept, two non-recording spans, the run in its context).
`;
}
