import { describe, expect, it } from 'vitest';
import { StagedCount } from './staged-count.svelte.ts';

/** A scheduler whose steps the test runs by hand, as the browser would run tasks. */
function manualTasks() {
  const tasks: (() => void)[] = [];
  return {
    tasks,
    schedule: (step: () => void) => {
      tasks.push(step);
      return () => {
        tasks.splice(tasks.indexOf(step), 1);
      };
    },
  };
}

describe('StagedCount', () => {
  it('builds the first items at once, then one more per task until the list is complete', () => {
    const { tasks, schedule } = manualTasks();
    const staged = new StagedCount(2, schedule);
    const counts = [staged.count];
    // The component's effect calls follow again after each step, as the count changed.
    for (staged.follow(5); tasks.length > 0; staged.follow(5)) {
      expect(tasks).toHaveLength(1);
      tasks.shift()?.();
      counts.push(staged.count);
    }
    expect(counts).toEqual([2, 3, 4, 5]);
  });

  it('asks for no step when the list is no longer than the first items', () => {
    const { tasks, schedule } = manualTasks();
    const staged = new StagedCount(3, schedule);
    staged.follow(3);
    staged.follow(0);
    expect(tasks).toHaveLength(0);
    expect(staged.count).toBe(3);
  });

  it('asks for one step at a time however often it is told the length', () => {
    const { tasks, schedule } = manualTasks();
    const staged = new StagedCount(1, schedule);
    staged.follow(4);
    staged.follow(4);
    expect(tasks).toHaveLength(1);
  });

  it('cancels the pending step when stopped', () => {
    const { tasks, schedule } = manualTasks();
    const staged = new StagedCount(1, schedule);
    staged.follow(4);
    staged.stop();
    expect(tasks).toHaveLength(0);
    expect(staged.count).toBe(1);
  });
});
