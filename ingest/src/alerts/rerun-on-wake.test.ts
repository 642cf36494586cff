import { describe, expect, it } from 'vitest';
import { rerunOnWake } from './rerun-on-wake.ts';

/** A job whose runs finish only when the test says so. */
function controlledJob() {
  const pending: (() => void)[] = [];
  let runs = 0;
  const job = () => {
    runs += 1;
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  const finishRun = async () => {
    pending.shift()?.();
    // Let the runner see the end of the run and start the next one, if any.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { job, finishRun, runs: () => runs, inFlight: () => pending.length };
}

describe('rerunOnWake', () => {
  it('does nothing before start', () => {
    const { job, runs } = controlledJob();
    const runner = rerunOnWake(job, () => undefined);
    runner.wake();
    expect(runs()).toBe(0);
    expect(runner.stopped).toBe(true);
  });

  it('runs once more, not once per wake-up, when woken during a run, and never two at once', async () => {
    const { job, finishRun, runs, inFlight } = controlledJob();
    const runner = rerunOnWake(job, () => undefined);
    runner.start();
    runner.wake();
    runner.wake();
    runner.wake();
    expect(runs()).toBe(1);
    expect(inFlight()).toBe(1);

    await finishRun();
    expect(runs()).toBe(2);
    await finishRun();
    expect(runs()).toBe(2);
    expect(inFlight()).toBe(0);

    runner.wake();
    expect(runs()).toBe(3);
    await finishRun();
  });

  it('reports a failed run and runs again on the next wake-up', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = rerunOnWake(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('database away');
      },
      (error) => errors.push(error),
    );
    runner.start();
    runner.wake();
    await runner.stop();
    expect(errors).toEqual([new Error('database away')]);

    runner.start();
    runner.wake();
    await runner.stop();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('stop waits for the run in hand and starts no other', async () => {
    const { job, finishRun, runs } = controlledJob();
    const runner = rerunOnWake(job, () => undefined);
    runner.start();
    runner.wake();
    runner.wake();
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);

    await finishRun();
    await stopping;
    expect(stopped).toBe(true);
    expect(runs()).toBe(1);
    runner.wake();
    expect(runs()).toBe(1);
  });
});
