import { describe, expect, it } from 'vitest';
import { toDot } from '@troupe/inspect';
import { inlineMachine, jobMachine, playerMachine, switchMachine } from './fixture-machines.js';

const linesOf = (text: string): string[] => text.split('\n').map((line) => line.trim());

describe('toDot', () => {
  it('draws a machine without top-level handlers as plain nodes, its initial state from a dot', () => {
    const lines = linesOf(toDot(switchMachine));
    expect(lines[0]).toBe('digraph "switch" {');
    expect(lines).toContain('"switch#initial" [shape=point, width=0.12];');
    expect(lines).toContain('"switch.off" [label="off"];');
    expect(lines).toContain('"switch#initial" -> "switch.off";');
    expect(lines).toContain('"switch.off" -> "switch.on" [label="toggle"];');
    expect(lines.at(-1)).toBe('}');
  });

  it('draws nested states as clusters, arrows to and from them clipped at their border', () => {
    const lines = linesOf(toDot(jobMachine));
    expect(lines).toContain('subgraph "cluster_job.running" {');
    expect(lines).toContain('"job.running.fetching" [label="fetching\\ninvokes fetchJob"];');
    expect(lines).toContain(
      '"job.idle" -> "job.running#initial" [label="start", lhead="cluster_job.running"];',
    );
    expect(lines).toContain(
      '"job.running#initial" -> "job.idle" [label="done", ltail="cluster_job.running"];',
    );
  });

  it("writes the machine's top-level handlers in its cluster's label", () => {
    const lines = linesOf(toDot(jobMachine));
    expect(lines).toContain('subgraph "cluster_job" {');
    expect(lines).toContain('label="job\\non reset → idle\\non ping";');
    expect(lines).toContain('"#initial" -> "job#initial" [lhead="cluster_job"];');
  });

  it('labels done and error of an invoked actor, delays and guards', () => {
    const lines = linesOf(toDot(jobMachine));
    expect(lines).toContain(
      '"job.running.fetching" -> "job.running.checking" [label="done: fetchJob"];',
    );
    expect(lines).toContain(
      '"job.running.fetching" -> "job.failed" [label="error: fetchJob\\nafter 5000 ms"];',
    );
    expect(lines).toContain('"job.running.checking" -> "job.done" [label="always [isEmpty]"];');
    expect(lines).toContain(
      '"job.failed" -> "job.running#initial" [label="after backoff [hasRetries]", lhead="cluster_job.running"];',
    );
    expect(toDot(inlineMachine)).toContain('[label="done: actor\\nerror: loader"]');
  });

  it('gives a final state a double border', () => {
    expect(linesOf(toDot(jobMachine))).toContain('"job.done" [label="done", peripheries=2];');
  });

  it('draws parallel regions as dashed clusters inside the parallel state', () => {
    const lines = linesOf(toDot(playerMachine));
    const region = lines.indexOf('subgraph "cluster_player.audio" {');
    expect(lines.slice(region, region + 4)).toEqual([
      'subgraph "cluster_player.audio" {',
      'label="audio";',
      'style="rounded,dashed";',
      '"player.audio#initial" [shape=point, width=0.12];',
    ]);
    expect(lines).toContain('"player#anchor" [shape=point, style=invis];');
    expect(lines).toContain('"#initial" -> "player#anchor" [lhead="cluster_player"];');
  });

  it('gives the same text for the same machine', () => {
    expect(toDot(jobMachine)).toBe(toDot(jobMachine));
  });
});
