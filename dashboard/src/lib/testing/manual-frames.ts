/** A frame scheduler for tests: it runs nothing until the test says a frame has passed. */
export function manualFrames() {
  const queued: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void queued.push(flush),
    get pending() {
      return queued.length;
    },
    frame() {
      for (const flush of queued.splice(0)) flush();
    },
  };
}
