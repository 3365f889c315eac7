/** Waiting for the local escalations to be done with an instant before the virtual clock moves on. */

/**
 * Waits until `busy()` has read false twice in a row, polling every `pollMs`, or until `progress()` (a count
 * that grows as work finishes) has not moved for `stallMs` (a handler that hangs): however many tasks wait
 * for their slots, the clock moves on only when they are done.
 */
export async function settle(
  busy: () => boolean,
  progress: () => number,
  { pollMs = 5, stallMs = 30_000 }: { pollMs?: number; stallMs?: number } = {},
): Promise<void> {
  let last = progress();
  let deadline = Date.now() + stallMs;
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, pollMs));
    quiet = busy() ? 0 : quiet + 1;
    const now = progress();
    if (now !== last) {
      last = now;
      deadline = Date.now() + stallMs;
    }
  }
}
