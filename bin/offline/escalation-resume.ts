/** After a restart of `npm start`: escalations live in memory, so each open case of the persisted store gets its own back. */

import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { LocalEscalationStarter } from '../../lambdas/adapters/local/local-escalation-starter';
import { escalationName } from '../../lambdas/domain/collection-case';

/**
 * Starts the escalation of every open case under the name intake gives it (bank, account, cycle); its plan
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
      ProjectionExpression: 'caseId, bankId, accountId, #cycle, #status',
      ExpressionAttributeNames: { '#cycle': 'cycle', '#status': 'status' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (item.status !== 'open') continue;
      const name = escalationName(String(item.bankId), String(item.accountId), String(item.cycle));
      if (await escalations.start(name, { caseId: String(item.caseId), cycle: String(item.cycle) }))
        resumed++;
    }
  }
  return resumed;
}
