import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db';
import { deleteMeta, getMeta, setMeta } from './meta';
import { lastRun, recordRunStart, recordRunStop, RUNS_KEPT } from './runs';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

describe('meta', () => {
  it('round-trips, overwrites and deletes values', () => {
    const { db } = store;
    expect(getMeta(db, 'installId')).toBeUndefined();
    setMeta(db, 'installId', 'abc');
    expect(getMeta(db, 'installId')).toBe('abc');
    setMeta(db, 'installId', '');
    expect(getMeta(db, 'installId')).toBe('');
    expect(deleteMeta(db, 'installId')).toBe(true);
    expect(deleteMeta(db, 'installId')).toBe(false);
    expect(getMeta(db, 'installId')).toBeUndefined();
  });
});

describe('gateway runs', () => {
  it('records a start and a clean stop', () => {
    const { db } = store;
    expect(lastRun(db)).toBeUndefined();
    const id = recordRunStart(db, { pid: 4242, version: '0.1.0', now: 1_700_000_000_000 });
    expect(lastRun(db)).toEqual({
      id,
      startedAt: 1_700_000_000_000,
      stoppedAt: null,
      pid: 4242,
      version: '0.1.0',
      clean: false,
    });
    recordRunStop(db, id, 1_700_000_060_000);
    expect(lastRun(db)).toMatchObject({ id, stoppedAt: 1_700_000_060_000, clean: true });
  });

  it('finds the previous run, so an unclean end can be reported', () => {
    const { db } = store;
    const crashed = recordRunStart(db, { pid: 1, version: '0.1.0', now: 1000 });
    const current = recordRunStart(db, { pid: 2, version: '0.1.1', now: 2000 });
    expect(current).toBeGreaterThan(crashed);
    expect(lastRun(db)?.id).toBe(current);
    expect(lastRun(db, current)).toMatchObject({ id: crashed, pid: 1, clean: false, stoppedAt: null });
    expect(lastRun(db, crashed)).toBeUndefined();
  });

  it(`keeps only the newest ${RUNS_KEPT} runs`, () => {
    const { db } = store;
    let newest = 0;
    for (let i = 0; i < RUNS_KEPT + 30; i++) newest = recordRunStart(db, { pid: i, version: 'v', now: i });
    const ids = db.prepare('SELECT id FROM gateway_runs ORDER BY id').pluck().all() as number[];
    expect(ids).toHaveLength(RUNS_KEPT);
    expect(ids.at(-1)).toBe(newest);
    expect(ids[0]).toBe(newest - RUNS_KEPT + 1);
    expect(lastRun(db)).toMatchObject({ id: newest, pid: RUNS_KEPT + 29 });
  });
});
