import type { InspectionEvent } from 'xstate';
import type { System, SystemSpec } from '@troupe/core';
import type { CheckedPoolOptions } from './pool-config.js';

/**
 * The spec of a system a conformance check runs: its pools' options (a `worker` given is
 * replaced by the test kit's), balancers, pipelines, supervision; not its clock or randomness.
 */
export interface CheckedSystemSpec extends Omit<
  SystemSpec,
  'pools' | 'clock' | 'random' | 'inspect'
> {
  readonly pools: Readonly<Record<string, CheckedPoolOptions & { readonly worker?: unknown }>>;
}

/**
 * Makes the system under test from the spec checked, its pools given the test kit's workers,
 * with the test kit's clock, randomness and inspection; `createSystem` itself is one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a system of any spec
export type MakeSystem = (spec: SystemSpec) => System<any>;

/** The system's restart limits, as `createSystem` defaults them. */
export function systemLimits(spec: CheckedSystemSpec): { maxRestarts: number; withinMs: number } {
  return {
    maxRestarts: spec.supervision?.maxRestarts ?? 3,
    withinMs: spec.supervision?.withinMs ?? 60_000,
  };
}

/** What the test kit adds to the spec. */
export interface SystemEnv {
  readonly random: () => number;
  readonly inspect?: (event: InspectionEvent) => void;
}
