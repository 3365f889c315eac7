/** The simulation's printed report and the projected AWS cost at list prices. */

import type { SimulationResult } from './engine';

/** List prices (us-east-1, as stated in the output); SMS for CN is an assumption. */
export const PRICES = {
  sfnPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: 0.0000166667,
  lambdaMemoryGb: 256 / 1024,
  smsUs: 0.00581,
  smsCnAssumed: 0.0063,
  emailPer: 0.1 / 1000,
  dynamoPerWrite: 1.25 / 1_000_000,
  dynamoPerRead: 0.25 / 1_000_000,
} as const;

export interface CostProjection {
  readonly perThousandAccountsPerMonth: Record<string, number> & { total: number };
  readonly assumedLambdaMs: number;
}

export function projectCost(result: SimulationResult, smsUsShare: number): CostProjection {
  const scale = (1000 / Math.max(1, result.accountsFed)) * (30 / result.days);
  // Handler time measured here includes DynamoDB Local's latency (slower than DynamoDB); 100 ms is assumed
  // when the measure is lower, to cover a warm Lambda's overhead.
  const assumedLambdaMs = Math.max(100, Math.round(result.invocations.meanMs));
  const smsUs = result.contacts.sms * smsUsShare;
  const smsCn = result.contacts.sms - smsUs;
  const parts = {
    stepFunctions: result.transitions.total * PRICES.sfnPerTransition,
    lambdaRequests: result.invocations.total * PRICES.lambdaPerRequest,
    lambdaCompute:
      result.invocations.total * (assumedLambdaMs / 1000) * PRICES.lambdaMemoryGb * PRICES.lambdaPerGbSecond,
    sms: smsUs * PRICES.smsUs + smsCn * PRICES.smsCnAssumed,
    email: result.contacts.email * PRICES.emailPer,
    dynamoDb: result.dynamo.writes * PRICES.dynamoPerWrite + result.dynamo.reads * PRICES.dynamoPerRead,
  };
  const scaled = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v * scale])) as Record<
    string,
    number
  >;
  const total = Object.values(scaled).reduce((a, b) => a + b, 0);
  return { perThousandAccountsPerMonth: { ...scaled, total }, assumedLambdaMs };
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const table = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `    ${k.padEnd(34)} ${v}`)
    .join('\n') || '    (none)';

export function formatReport(result: SimulationResult, cost: CostProjection): string {
  const c = cost.perThousandAccountsPerMonth;
  const lines = [
    `Simulation: ${result.accounts} accounts (${result.accountsFed} fed, ${result.people} people), ${result.days} day${result.days === 1 ? '' : 's'} from 2026-02-20, seed ${result.seed}`,
    `Feed rows ingested: ${result.feedRows} (${result.feedRejects} rejected; ${result.feeds === 'full' ? 'full books: every open account every day' : 'daily feeds of the accounts that changed'})`,
    `Contacts: ${result.contacts.total} (sms ${result.contacts.sms}, email ${result.contacts.email}, letter ${result.contacts.letter}); freeze requests ${result.freezeRequests}`,
    '  by step:',
    table(result.contactsByStep),
    '  refusals by rule (trail contact.refused):',
    table(result.refusalsByRule),
    '  deferrals by rule (trail contact.deferred):',
    table(result.deferralsByRule),
    `Checker: ${result.check.checked} contacts checked, ${result.check.violations.length} violation(s)`,
    ...(result.check.violations.length > 0
      ? [
          table(result.check.byRule),
          '  examples:',
          ...result.check.violations.slice(0, 10).map((v) => `    ${v.rule} ${v.caseId} ${v.at} ${v.detail}`),
        ]
      : []),
    `State transitions per account: p50 ${result.transitions.p50}, p95 ${result.transitions.p95}, max ${result.transitions.max} (total ${result.transitions.total})`,
    `Lambda invocations: ${result.invocations.total} (${result.invocations.perAccount.toFixed(1)} per account; ${Object.entries(
      result.invocations.byTask,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); mean handler time here ${result.invocations.meanMs.toFixed(1)} ms`,
    `Executions: ${result.executions.total} (parked ${result.executions.parked}, failed ${result.executions.failed}, still running ${result.executions.running})`,
    `Work items: ${result.workItems.opened} opened, ${result.workItems.completed} completed by the simulated staff, the rest timed out`,
    `DynamoDB writes ${result.dynamo.writes} (a transaction's items count twice, as they are billed), reads ${result.dynamo.reads}; requests:`,
    ...Object.entries(result.dynamo.byOperation).map(
      ([operation, count]) => `    ${operation.padEnd(34)} ${count}`,
    ),
    `Wall time: ${result.seconds.toFixed(1)} s (synth + DynamoDB Local start ${result.phaseSeconds.startup.toFixed(1)} s, feeds + starts ${result.phaseSeconds.ingest.toFixed(1)} s, escalations ${result.phaseSeconds.escalations.toFixed(1)} s)`,
    `CPU time: this process ${result.cpuSeconds.simulation.toFixed(1)} s${result.cpuSeconds.dynamoDbLocal === undefined ? '' : `, DynamoDB Local ${result.cpuSeconds.dynamoDbLocal.toFixed(1)} s`} (on a shared machine, the work done; wall time also counts others')`,
    `Projected AWS cost per 1,000 accounts per month (list prices, us-east-1${result.days < 90 ? '; a run under 90 days weighs the first weeks, when every account starts its ladder, and projects high' : ''}):`,
    `    Step Functions Standard ($0.025 / 1,000 transitions)     ${usd(c.stepFunctions ?? 0)}`,
    `    Lambda requests ($0.20 / 1M)                              ${usd(c.lambdaRequests ?? 0)}`,
    `    Lambda compute ($0.0000166667 / GB-s, 256 MB, ${cost.assumedLambdaMs} ms assumed) ${usd(c.lambdaCompute ?? 0)}`,
    `    SMS (SNS US $0.00581; CN $0.0063 assumed, a domestic provider) ${usd(c.sms ?? 0)}`,
    `    SES email ($0.10 / 1,000)                                 ${usd(c.email ?? 0)}`,
    `    DynamoDB on-demand ($1.25 / M writes, $0.25 / M reads; feed intake included) ${usd(c.dynamoDb ?? 0)}`,
    `    total (letters' print and post not included)              ${usd(c.total)}`,
  ];
  return lines.join('\n');
}
