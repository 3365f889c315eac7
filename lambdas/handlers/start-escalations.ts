/**
 * SQS `EscalationStarts` → start escalation executions at the stage's rate. A placeholder so the
 * infrastructure can bundle its entry; the runtime branch replaces it with the real handler.
 */

export async function handler(_event: unknown): Promise<never> {
  throw new Error('start-escalations: not wired yet');
}
