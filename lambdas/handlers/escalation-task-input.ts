/** The ids every escalation task receives, parsed at the edge (lambdas/ports/escalation-tasks.ts). */

import * as z from 'zod';

export const escalationIds = z.object({
  caseId: z.string().min(3).max(200),
  cycle: z.string().min(1).max(40),
  run: z.number().int().min(0).max(999_999),
});

/**
 * An error name as Step Functions passes it (`$.error.Error`): an identifier such as `KMS.ThrottlingException`
 * or `States.Timeout`. Anything else (a name a handler made up from data) is replaced, never logged or stored.
 */
export const errorName = z
  .string()
  .transform((name) => (/^[A-Za-z][A-Za-z0-9._:-]{0,127}$/.test(name) ? name : 'UnrecognizedError'));
