/** Step Functions refusals that pass with time, shared by the adapters that start and stop executions. */

import { WorkflowThrottledError } from '../../ports/workflow';

/** The account's StartExecution/StopExecution buckets, open executions at the quota, KMS for the input. */
const RETRY_LATER: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ExecutionLimitExceeded',
  'KmsThrottlingException',
]);

/** The error to throw for a failed call: WorkflowThrottledError for a refusal to wait out, else the error. */
export function refusalOf(call: string, error: unknown): unknown {
  const name = (error as Error)?.name;
  return RETRY_LATER.has(name) ? new WorkflowThrottledError(`${call} refused: ${name}`) : error;
}
