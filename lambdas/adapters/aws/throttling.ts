/**
 * Waiting out throttling. The SDK retries a throttled request itself, but from a retry quota shared by the
 * client (500 tokens, 5 a retry): with dozens of writes in flight against a throttled table the quota is
 * gone within a second, after which throttling errors come back at once. A feed write that meets them waits
 * here, with jittered backoff, rather than failing its file: throttling is a reason to slow down, not to stop.
 */

import { backoffWithJitter } from '../backoff';

/** The errors AWS answers when a table, a partition or the account is over its rate. */
const THROTTLING: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

export function isThrottling(error: unknown): boolean {
  return THROTTLING.has((error as Error)?.name);
}

/** Runs `call`, waiting and trying again while it is throttled (at most `attempts` times in all). */
export async function whileThrottled<T>(
  call: () => Promise<T>,
  pause: (attempt: number) => Promise<void> = backoffWithJitter(50, 5_000),
  attempts = 12,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      await pause(attempt);
    }
  }
}
