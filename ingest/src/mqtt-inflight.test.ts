import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InflightWindow } from './mqtt-inflight.ts';

describe('InflightWindow', () => {
  it('releases nothing while the oldest message is uncommitted, then everything committed behind it', () => {
    const window = new InflightWindow(65535);
    const [a, b, c] = [window.add(7), window.add(3), window.add(9)];
    expect(window.commit(c)).toEqual([]);
    expect(window.commit(b)).toEqual([]);
    expect(window.size).toBe(3);
    expect(window.commit(a)).toEqual([7, 3, 9]);
    expect(window.size).toBe(0);
  });

  it('stops at the first uncommitted message', () => {
    const window = new InflightWindow(65535);
    const places = [1, 2, 3, 4].map((id) => window.add(id));
    expect(window.commit(places[1] ?? -1)).toEqual([]);
    expect(window.commit(places[0] ?? -1)).toEqual([1, 2]);
    expect(window.size).toBe(2);
    expect(window.commit(places[3] ?? -1)).toEqual([]);
    expect(window.commit(places[2] ?? -1)).toEqual([3, 4]);
  });

  it('is full at the limit, counting committed messages that wait behind an uncommitted one', () => {
    const window = new InflightWindow(3);
    const [a, b] = [window.add(1), window.add(2)];
    expect(window.full).toBe(false);
    const c = window.add(3);
    expect(window.full).toBe(true);
    window.commit(b);
    window.commit(c);
    expect(window.full).toBe(true);
    expect(window.commit(a)).toEqual([1, 2, 3]);
    expect(window.full).toBe(false);
  });

  it('refuses a limit MQTT cannot announce', () => {
    expect(() => new InflightWindow(0)).toThrow(/1 to 65535/);
    expect(() => new InflightWindow(65536)).toThrow(/1 to 65535/);
  });

  it('refuses a message committed twice or never added', () => {
    const window = new InflightWindow(65535);
    const a = window.add(1);
    window.commit(a);
    expect(() => window.commit(a)).toThrow(/not in flight/);
    expect(() => window.commit(a + 1)).toThrow(/not in flight/);
  });

  it('acknowledges every message exactly once, in arrival order, whatever order commits complete in', () => {
    fc.assert(
      fc.property(
        // Arrivals interleaved with commits: true adds the next message, false commits a random one.
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 3000 }),
        (steps) => {
          const window = new InflightWindow(65535);
          const open: number[] = [];
          const acknowledged: number[] = [];
          let next = 0;
          const commitOne = (pick: number) => {
            const [place] = open.splice(pick % open.length, 1);
            acknowledged.push(...window.commit(place ?? -1));
          };
          for (const [arrive, pick] of steps) {
            if (arrive || open.length === 0) open.push(window.add(next++ % 65535));
            else commitOne(pick);
            expect(window.size).toBeGreaterThanOrEqual(open.length);
          }
          while (open.length > 0) commitOne(0);
          expect(window.size).toBe(0);
          expect(acknowledged).toEqual(Array.from({ length: next }, (_, i) => i % 65535));
        },
      ),
    );
  });
});
