/** Real elapsed time for AWS: the monotonic clock, for durations and a Lambda's time budget. */
import type { Stopwatch } from '../ports/stopwatch';

export const systemStopwatch: Stopwatch = { readMs: () => performance.now() };
