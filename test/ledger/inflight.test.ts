import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverInflight, startInflight, type InflightCall } from '../../src/ledger/inflight.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'kirikae-inflight-')), 'inflight');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const call = {
  session: 's1',
  task: 't1',
  turn: 2,
  model: 'anthropic/claude-sonnet-5-5',
  tier: 1 as const,
  decision: 'accepted' as const,
  fallbackHops: [],
  promptChars: 4000,
};

function recover(options: { alive?: (pid: number) => boolean; now?: () => number } = {}) {
  const booked: InflightCall[] = [];
  const count = recoverInflight(dir, (c) => booked.push(c), options);
  return { booked, count };
}

describe('in-flight call markers', () => {
  it('are written when a call starts, follow its output, and go when it is booked', () => {
    let t = 1_000_000;
    const handle = startInflight(dir, call, () => t);
    expect(readdirSync(dir)).toHaveLength(1);
    handle.progress(40); // the first text is written at once
    t += 200;
    handle.progress(90); // then at most once a second
    const { booked } = recover({ alive: () => false });
    expect(booked).toMatchObject([{ ...call, pid: process.pid, outputChars: 40 }]);

    const second = startInflight(dir, call, () => t);
    second.done();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("leave a running process's call alone unless it is an hour stale", () => {
    const started = Date.now();
    startInflight(dir, call, () => started);
    expect(recover({ alive: () => true }).count).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(recover({ alive: () => true, now: () => started + 61 * 60_000 }).count).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keep a marker whose booking failed, and drop one that is not a call', () => {
    startInflight(dir, call);
    writeFileSync(join(dir, 'junk.json'), '{"pid": "x"}');
    expect(() =>
      recoverInflight(
        dir,
        () => {
          throw new Error('disk full');
        },
        { alive: () => false },
      ),
    ).not.toThrow();
    expect(readdirSync(dir)).toHaveLength(1);
    expect(recover({ alive: () => false }).count).toBe(1);
  });

  it('a missing folder is nothing to recover', () => {
    expect(recover().count).toBe(0);
  });
});
