/** After a restart of `npm start`: escalations live in memory, so each open case of the persisted store gets its own back. */

import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { LocalEscalationStarter } from '../../lambdas/adapters/local/local-escalation-starter';

/**
 * Starts the escalation of every open case for its cycle (under the name intake's requests get); its plan
 * reads the steps the case has completed. Returns how many were started. A Scan is fine here: a local
 * store, read once at start-up; the staff API itself never scans.
 */
export async function resumeEscalations(
  documents: DynamoDBDocumentClient,
  casesTable: string,
  escalations: LocalEscalationStarter,
): Promise<number> {
  let resumed = 0;
  const pages = paginateScan(
    { client: documents },
    {
      TableName: casesTable,
      ProjectionExpression: 'caseId, #cycle, #status',
      ExpressionAttributeNames: { '#cycle': 'cycle', '#status': 'status' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (item.status !== 'open') continue;
      // Run 0 until cases record their escalation run (escalationRun, docs/escalation-engine.md).
      const escalation = { caseId: String(item.caseId), cycle: String(item.cycle), run: 0 };
      if ((await escalations.start(escalation)) === 'running') resumed++;
    }
  }
  return resumed;
}
