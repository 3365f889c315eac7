/** What escalation tasks receive, parsed at the edge (lambdas/ports/escalation-tasks.ts). */

import * as z from 'zod/mini';
import { LADDER_ACTIONS } from '../domain/escalation-ladder';

const text = z.string().check(z.minLength(1), z.maxLength(200));

export const escalationIds = z.object({
  caseId: z.string().check(z.minLength(3), z.maxLength(200)),
  cycle: z.string().check(z.minLength(1), z.maxLength(40)),
  run: z.int().check(z.minimum(0), z.maximum(999_999)),
});

/** A planned step as PlanNextStep returned it. */
export const plannedStep = z.object({
  action: z.enum(LADDER_ACTIONS),
  stepId: text,
  template: text,
  templateVersion: z.int().check(z.positive()),
  at: text,
  taskTimeoutSeconds: z.optional(z.int().check(z.positive())),
});

/** The work item's outcome (`$.task`): what a person answered, `timed-out`, or `none` when nobody was asked. */
export const taskOutcome = z.union([
  z.object({ outcome: z.literal('done'), result: text, by: text }),
  z.object({ outcome: z.literal('timed-out') }),
  z.object({ outcome: z.literal('none') }),
]);

/**
 * An error name as Step Functions passes it (`$.error.Error`): an identifier such as `KMS.ThrottlingException`
 * or `States.Timeout`. Anything else (a name a handler made up from data) is replaced, never logged or stored.
 */
export const errorName = z.pipe(
  z.string(),
  z.transform((name) => (/^[A-Za-z][A-Za-z0-9._:-]{0,127}$/.test(name) ? name : 'UnrecognizedError')),
);
