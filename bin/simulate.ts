/**
 * npm run simulate -- [--accounts N] [--days D] [--seed S] [--feeds changes|full] [--json]
 * Runs the real escalation engine over simulated days on DynamoDB Local and a virtual clock, then checks what
 * was sent with an independent checker (bin/simulation/checker.ts). See bin/simulation/engine.ts.
 */

import { parseArgs } from 'node:util';

// Before the handlers load (bin/local.ts says why): nothing logs per step, nothing traces.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.AWS_XRAY_MANUAL_MODE ??= '1';
const { runSimulation } = await import('./simulation/engine');
const { formatReport, projectCost } = await import('./simulation/report');

const USAGE =
  'usage: npm run simulate -- [--accounts N] [--days D] [--seed S] [--feeds changes|full] [--json]\n' +
  '  defaults: 1000 accounts, 180 days, seed 7, feeds of the accounts that changed';

function parsed() {
  try {
    return parseArgs({
      options: {
        accounts: { type: 'string', default: '1000' },
        days: { type: 'string', default: '180' },
        seed: { type: 'string', default: '7' },
        feeds: { type: 'string', default: 'changes' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const { values } = parsed();
const whole = (name: string, text: string | undefined, min: number) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const accounts = whole('accounts', values.accounts, 1);
const days = whole('days', values.days, 1);
const seed = whole('seed', values.seed, 0);

const feeds = values.feeds;
if (feeds !== 'changes' && feeds !== 'full') {
  console.error(
    '--feeds must be changes (each day, the accounts whose row changed) or full (every open account)',
  );
  process.exit(2);
}

const result = await runSimulation({ accounts, days, seed, feeds, log: (line) => console.error(line) });
const usSms = result.contactsByStep;
const usShare =
  result.contacts.sms === 0
    ? 0
    : Object.entries(usSms)
        .filter(([step]) => step.startsWith('us-demo/') && step.includes('sms'))
        .reduce((a, [, n]) => a + n, 0) / result.contacts.sms;
const cost = projectCost(result, usShare);
console.log(formatReport(result, cost));
if (values.json) {
  console.log(
    JSON.stringify({
      accounts: result.accounts,
      accountsFed: result.accountsFed,
      days: result.days,
      seed: result.seed,
      feeds: result.feeds,
      feedRows: result.feedRows,
      violations: result.check.violations.length,
      violationsByRule: result.check.byRule,
      violationExamples: result.check.violations.slice(0, 10),
      transitionsP50: result.transitions.p50,
      transitionsP95: result.transitions.p95,
      transitionsMax: result.transitions.max,
      contacts: result.contacts,
      contactsByStep: result.contactsByStep,
      refusalsByRule: result.refusalsByRule,
      deferralsByRule: result.deferralsByRule,
      invocationsPerAccount: Number(result.invocations.perAccount.toFixed(2)),
      invocationsByTask: result.invocations.byTask,
      executions: result.executions,
      workItems: result.workItems,
      dynamo: result.dynamo,
      costPerThousandAccountsPerMonth: cost.perThousandAccountsPerMonth,
      seconds: Number(result.seconds.toFixed(1)),
      cpuSeconds: result.cpuSeconds,
    }),
  );
}
process.exit(result.check.violations.length > 0 ? 1 : 0);
