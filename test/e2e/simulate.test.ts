/** npm run simulate end to end on a tiny population, and the checker catching what it must catch. */

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type CaseFacts, checkContacts } from '../../bin/simulation/checker';

describe('npm run simulate', () => {
  it('runs 10 accounts over 40 days with no violation and prints the JSON summary last', () => {
    const run = spawnSync(
      'npm',
      ['run', '--silent', 'simulate', '--', '--accounts', '10', '--days', '40', '--seed', '7', '--json'],
      { encoding: 'utf8', timeout: 200_000 },
    );
    const lines = run.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1] as string);
    expect(summary.violationExamples).toEqual([]);
    expect(summary.violations).toBe(0);
    for (const key of ['transitionsP95', 'transitionsMax', 'contacts', 'refusalsByRule', 'seconds'])
      expect(summary).toHaveProperty(key);
    expect(summary.contacts.total).toBeGreaterThan(0);
    expect(summary.transitionsMax).toBeLessThanOrEqual(60);
    expect(summary.executions.failed).toBe(0);
    expect(run.status).toBe(0);
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
      ],
      emails: [],
      letters: [],
    });
    expect(result.byRule).toEqual({ CEASE: 1, CLOSED: 1 });
  });
});
