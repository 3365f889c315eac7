/** npm run simulate end to end on a tiny population, and the checker catching what it must catch. */

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type CaseFacts, checkContacts } from '../../bin/simulation/checker';

function simulate(...options: string[]) {
  const run = spawnSync(
    'npm',
    [
      'run',
      '--silent',
      'simulate',
      '--',
      '--accounts',
      '10',
      '--days',
      '40',
      '--seed',
      '7',
      '--json',
      ...options,
    ],
    { encoding: 'utf8', timeout: 200_000 },
  );
  const lines = run.stdout.trim().split('\n');
  return { run, summary: JSON.parse(lines[lines.length - 1] as string) };
}

let changesRun: ReturnType<typeof simulate> | undefined;
/** The default run (daily feeds of the accounts that changed), made once for the tests that read it. */
const defaultRun = () => {
  changesRun ??= simulate();
  return changesRun;
};

describe('npm run simulate', () => {
  it('runs 10 accounts over 40 days with no violation and prints the JSON summary last', () => {
    const { run, summary } = defaultRun();
    expect(summary.violationExamples).toEqual([]);
    expect(summary.violations).toBe(0);
    for (const key of ['transitionsP95', 'transitionsMax', 'contacts', 'refusalsByRule', 'seconds'])
      expect(summary).toHaveProperty(key);
    expect(summary.contacts.total).toBeGreaterThan(0);
    expect(summary.transitionsMax).toBeLessThanOrEqual(60);
    expect(summary.executions.failed).toBe(0);
    expect(summary.feeds).toBe('changes');
    expect(run.status).toBe(0);
  });

  it('feeds every open account every day with --feeds full, and finds no violation either', () => {
    const changes = defaultRun();
    const full = simulate('--feeds', 'full');
    expect(full.summary.feeds).toBe('full');
    expect(full.summary.violations).toBe(0);
    expect(full.summary.contacts.total).toBeGreaterThan(0);
    // A row a day for each account while it stays open, against one for each change.
    expect(full.summary.feedRows).toBeGreaterThan(2 * changes.summary.feedRows);
    expect(full.run.status).toBe(0);
  });

  it('refuses an unknown feed mode, naming the choices', () => {
    const run = spawnSync('npm', ['run', '--silent', 'simulate', '--', '--feeds', 'weekly'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--feeds must be changes');
  });
});

describe('the simulation checker', () => {
  const cases = new Map<string, CaseFacts>([
    ['us-bank:A', { personId: 'P1', pack: 'us', timeZone: 'America/Chicago', ceased: [] }],
    ['demo-bank:B', { personId: 'P2', pack: 'cn', timeZone: 'Asia/Shanghai', ceased: [] }],
  ]);

  it('finds quiet hours, a missing validation notice, missing US lines, two reminders a day and close letters', () => {
    const result = checkContacts({
      cases,
      // 03:00 in Chicago; no validation notice before; no opt-out line.
      sms: [
        {
          to: '+1',
          body: 'pay now. debt collector',
          contactId: 'us-bank:A#c#sms-reminder',
          at: '2026-03-02T09:00:00Z',
        },
        { to: '+86', body: '请还款', contactId: 'demo-bank:B#c#sms-courtesy', at: '2026-03-02T02:00:00Z' },
        { to: '+86', body: '请还款', contactId: 'demo-bank:B#c#sms-second', at: '2026-03-02T03:00:00Z' },
      ],
      emails: [],
      letters: [
        {
          caseId: 'demo-bank:B',
          contactId: 'demo-bank:B#c#letter-first',
          template: 't',
          at: '2026-03-02T02:00:00Z',
        },
        {
          caseId: 'demo-bank:B',
          contactId: 'demo-bank:B#c#letter-second',
          template: 't',
          at: '2026-03-20T02:00:00Z',
        },
      ],
    });
    expect(result.byRule).toEqual({ 'US-1': 1, 'US-3': 1, 'US-6': 1, 'AUTO-DAILY': 1, 'CN-9': 1 });
  });

  it('finds a contact while the feed carried a cease flag and one after the case closed', () => {
    const at = Date.parse('2026-03-02T05:00:00Z');
    const flagged = new Map<string, CaseFacts>([
      [
        'demo-bank:B',
        {
          personId: 'P2',
          pack: 'cn',
          timeZone: 'Asia/Shanghai',
          ceased: [{ from: at, to: at + 86_400_000, flag: 'dispute' }],
          closedAt: at + 2 * 86_400_000,
        },
      ],
    ]);
    const result = checkContacts({
      cases: flagged,
      sms: [
        { to: '+86', body: 'x', contactId: 'demo-bank:B#c#sms-courtesy', at: '2026-03-02T06:00:00Z' },
        { to: '+86', body: 'x', contactId: 'demo-bank:B#c#sms-second', at: '2026-03-05T06:00:00Z' },
        // At the feeds' own instants the feed comes first: at the raising one the flag stands, at the lifting
        // one it is gone, at the closing one the case is closed.
        { to: '+86', body: 'x', contactId: 'demo-bank:B#c#credit-report-notice', at: '2026-03-02T05:00:00Z' },
        { to: '+86', body: 'x', contactId: 'demo-bank:B#c#credit-report-notice', at: '2026-03-03T05:00:00Z' },
        { to: '+86', body: 'x', contactId: 'demo-bank:B#c#credit-report-notice', at: '2026-03-04T05:00:00Z' },
      ],
      emails: [],
      letters: [],
    });
    expect(result.byRule).toEqual({ CEASE: 2, CLOSED: 2 });
  });
});
