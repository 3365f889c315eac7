/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): after the
 * n-th failed attempt wait a random time in [0, min(cap, base·2ⁿ)), so that racing writers spread out
 * instead of colliding again in step.
 */
export function backoffWithJitter(
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): (attempt: number) => Promise<void> {
  return (attempt) => sleep(Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt)));
}
