import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { toMermaid } from '@troupe/inspect';
import {
  guardsMachine,
  inlineMachine,
  jobMachine,
  playerMachine,
  switchMachine,
} from './fixture-machines.js';

const linesOf = (text: string): string[] => text.split('\n').map((line) => line.trim());

describe('toMermaid', () => {
  it('starts a stateDiagram-v2 and draws a machine without top-level handlers at the top', () => {
    expect(toMermaid(switchMachine).split('\n')).toEqual([
      'stateDiagram-v2',
      '    [*] --> off',
      '    off',
      '    on',
      '    off --> on : toggle',
      '    on --> off : toggle',
    ]);
  });

  it('draws nested states as composite states, with ids from their path', () => {
    const text = toMermaid(jobMachine);
    expect(text).toContain(
      [
        '        state running {',
        '            [*] --> running_fetching',
        '            state "fetching" as running_fetching',
        '            running_fetching : invokes fetchJob',
        '            state "checking" as running_checking',
        '        }',
      ].join('\n'),
    );
  });

  it('draws a machine with top-level handlers as a state, the handlers in a note beside it', () => {
    const lines = linesOf(toMermaid(jobMachine));
    expect(lines.slice(0, 4)).toEqual([
      'stateDiagram-v2',
      '[*] --> job',
      'state job {',
      '[*] --> idle',
    ]);
    const note = lines.indexOf('note right of job');
    expect(lines.slice(note, note + 4)).toEqual([
      'note right of job',
      'on reset → idle',
      'on ping',
      'end note',
    ]);
    expect(lines.filter((line) => line.startsWith('job -->'))).toEqual([]);
  });

  it('draws an arrow from a composite state to a state outside it', () => {
    expect(linesOf(toMermaid(jobMachine))).toContain('running --> idle : done');
  });

  it('names an invoked actor in its done and error events', () => {
    const lines = linesOf(toMermaid(jobMachine));
    expect(lines).toContain('running_fetching --> running_checking : done: fetchJob');
    expect(lines).toContain('running_fetching --> failed : error: fetchJob<br/>after 5000 ms');
    expect(toMermaid(jobMachine)).not.toContain('xstate.');
  });

  it('labels delays in milliseconds or by name, and eventless transitions with their guard', () => {
    const lines = linesOf(toMermaid(jobMachine));
    expect(lines).toContain('failed --> running : after backoff [hasRetries]');
    expect(lines).toContain('running_checking --> done : always [isEmpty]');
    expect(lines).toContain('running_checking --> running_fetching : always');
  });

  it('ends a final state', () => {
    expect(linesOf(toMermaid(jobMachine))).toContain('done --> [*]');
  });

  it('splits parallel regions with --', () => {
    expect(toMermaid(playerMachine)).toBe(
      [
        'stateDiagram-v2',
        '    [*] --> player',
        '    state player {',
        '        state audio {',
        '            [*] --> audio_muted',
        '            state "muted" as audio_muted',
        '            state "loud" as audio_loud',
        '        }',
        '        --',
        '        state video {',
        '            [*] --> video_hidden',
        '            state "hidden" as video_hidden',
        '            state "shown" as video_shown',
        '        }',
        '    }',
        '    audio_muted --> audio_loud : unmute',
        '    audio_loud --> audio_muted : mute',
        '    video_hidden --> video_shown : show',
      ].join('\n'),
    );
  });

  it('names guards of every shape, inline actors, and states named like Mermaid keywords', () => {
    const lines = linesOf(toMermaid(guardsMachine));
    expect(lines).toContain(
      'a --> b : named [ready]<br/>params [isBig]<br/>combined [!(ready && (ready || in b))]<br/>inline [guard]',
    );
    const inline = linesOf(toMermaid(inlineMachine));
    expect(inline).toContain('b : invokes actor');
    expect(inline).toContain('b : invokes loader');
    expect(inline).toContain('b : invokes child');
    expect(inline).toContain('b --> c : done: actor<br/>error: loader');
    expect(inline).toContain('b --> a : done: child');
    expect(inline).toContain('state "end" as end_');
    expect(inline).toContain('end_ --> a : go');
  });

  it('gives the same text for the same machine, built again or not', () => {
    expect(toMermaid(jobMachine)).toBe(toMermaid(jobMachine));
    expect(toMermaid(createMachine(jobMachine.config, jobMachine.implementations))).toBe(
      toMermaid(jobMachine),
    );
  });
});
