import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/core/process-alive.js';
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

  it("leave a running process's call alone unless it is a week stale", () => {
    const started = Date.now();
    startInflight(dir, call, () => started);
    // This process's own marker, as the default check sees it: alive.
    expect(recover().count).toBe(0);
    expect(recover({ alive: () => true, now: () => started + 12 * 3_600_000 }).count).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(recover({ alive: () => true, now: () => started + 8 * 86_400_000 }).count).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("book a dead run's marker that has this process's pid (a container's pid 1)", () => {
    mkdirSync(dir, { recursive: true });
    const earlier = { ...call, pid: process.pid, run: 'deadbeef0000' };
    const stamp = new Date().toISOString();
    writeFileSync(
      join(dir, `${process.pid}-deadbeef0000-1.json`),
      JSON.stringify({ ...earlier, startedAt: stamp, updatedAt: stamp, outputChars: 0 }),
    );
    // Our own first call does not overwrite it either.
    startInflight(dir, call).done();
    expect(recover().booked).toMatchObject([{ run: 'deadbeef0000' }]);
  });

  it('put back a claim whose claimer died, and drop a dead half-written marker', () => {
    const handle = startInflight(dir, call);
    const [name] = readdirSync(dir);
    renameSync(join(dir, name!), join(dir, `${name}.999999.claimed`));
    writeFileSync(join(dir, '999999-abcdef123456-1.json.tmp'), '{"half');
    expect(recover({ alive: (pid) => pid !== 999999 && pid !== process.pid }).count).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    handle.done();
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

  it('ask whether a process runs by a real pid only (0 would be our own process group)', () => {
    expect(processAlive(process.pid)).toBe(true);
    // An empty lock or marker field read as 0 made kill(0, 0) answer for the whole group.
    for (const pid of [0, -1, Number.NaN, 1.5]) expect(processAlive(pid)).toBe(false);
  });
});
