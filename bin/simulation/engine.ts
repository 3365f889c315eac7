/**
 * The simulation's world and daily loop: DynamoDB Local in memory with the synthesized tables, a virtual clock,
 * the synthesized state machine under LocalEscalationStarter with the real task handlers (wired as
 * bin/offline/runtime.ts wires them), the real ingestFeed and startEscalations use cases, recording senders.
 */

import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { DynamoContactLedger } from '../../lambdas/adapters/aws/dynamo-contact-ledger';
import { DynamoTrail } from '../../lambdas/adapters/aws/dynamo-trail';
import { DynamoWorkItems } from '../../lambdas/adapters/aws/dynamo-work-items';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../lambdas/adapters/hmac-blind-index';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import {
  LocalEscalationStarter,
  type TaskHandler,
} from '../../lambdas/adapters/local/local-escalation-starter';
import { LocalIndexKeySource } from '../../lambdas/adapters/local/local-index-key-source';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { caseIdOf } from '../../lambdas/domain/collection-case';
import { addDays } from '../../lambdas/domain/delinquency';
import { validateLadderVersions } from '../../lambdas/domain/ladder-validation';
import { makeOpenTaskHandler } from '../../lambdas/handlers/open-task';
import { makePlanNextStepHandler } from '../../lambdas/handlers/plan-next-step';
import { makeRecordFaultHandler } from '../../lambdas/handlers/record-fault';
import type { WorkItem, WorkItems } from '../../lambdas/ports/notifier';
import type { EscalationRequest } from '../../lambdas/ports/workflow';
import { ingestFeed } from '../../lambdas/use-cases/ingest-feed';
import { openWorkItem } from '../../lambdas/use-cases/open-work-item';
import { recordFault } from '../../lambdas/use-cases/record-fault';
import { startEscalations } from '../../lambdas/use-cases/start-escalations';
import { InMemoryFeedStorage } from '../../test/support/fakes/feed-storage';
import { actFunctionHandlers } from '../offline/act-functions';
import { ensureTable, startDynamoDbLocal } from '../offline/dynamodb-local';
import { freePort } from '../offline/prerequisites';
import { settle } from '../offline/settle';
import { synthesizeForLocal } from '../offline/synthesized';
import { type CaseFacts, type CheckResult, checkContacts } from './checker';
import { type Account, generatePopulation, SIM_BANKS } from './population';
import { between, pick, seeded } from './prng';
import { MemoryLetters, RecordingBankEvents, RecordingEmail, RecordingSms } from './senders';

export interface SimulationOptions {
  readonly accounts: number;
  readonly days: number;
  readonly seed: number;
  /** Share of work items a person completes (the rest time out). */
  readonly completeShare?: number;
  /**
   * What each day's feed carries: `changes` (the default), the accounts whose row differs from the last one the
   * bank sent (new, amount down, flag raised or lifted, paid), which the feed contract allows (an absent row
   * changes nothing); `full`, every open account every day, as a bank that sends its whole book does.
   */
  readonly feeds?: FeedMode;
  readonly log?: (line: string) => void;
}

/** 2026-02-20: the US change to daylight time (8 March) falls inside. Feeds land at 05:00 UTC each day. */
export const SIM_START = Date.parse('2026-02-20T05:00:00Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TABLES = {
  cases: 'sim-cases',
  trail: 'sim-trail',
  workItems: 'sim-work-items',
  contactLedger: 'sim-contact-ledger',
} as const;
const FEED_COLUMNS = [
  'account_id',
  'as_of',
  'customer_name',
  'mobile',
  'email',
  'national_id',
  'address',
  'card_last4',
  'currency',
  'overdue_principal',
  'overdue_interest',
  'overdue_fees',
  'due_date',
  'timezone',
  'language',
  'flags',
] as const;

export type FeedMode = 'changes' | 'full';

export interface SimulationResult {
  readonly feeds: FeedMode;
  readonly accounts: number;
  readonly accountsFed: number;
  readonly people: number;
  readonly days: number;
  readonly seed: number;
  readonly contacts: { sms: number; email: number; letter: number; total: number };
  readonly contactsByStep: Record<string, number>;
  readonly freezeRequests: number;
  readonly refusalsByRule: Record<string, number>;
  readonly deferralsByRule: Record<string, number>;
  readonly check: CheckResult;
  readonly transitions: { p50: number; p95: number; max: number; total: number };
  readonly invocations: { total: number; perAccount: number; byTask: Record<string, number>; meanMs: number };
  readonly executions: { total: number; parked: number; failed: number; running: number };
  readonly workItems: { opened: number; completed: number };
  readonly feedRows: number;
  readonly feedRejects: number;
  /** Requests by operation and table (`UpdateItem cases`), what the escalation engine and intake cost. */
  readonly dynamo: { writes: number; reads: number; byOperation: Record<string, number> };
  readonly seconds: number;
  /**
   * CPU seconds spent by this process and by DynamoDB Local (Linux only): on a shared machine the work done,
   * where wall time also counts what others did.
   */
  readonly cpuSeconds: { readonly simulation: number; readonly dynamoDbLocal?: number };
  readonly phaseSeconds: { startup: number; ingest: number; escalations: number };
}

function money(minor: number): string {
  return (minor / 100).toFixed(2);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const log = options.log ?? (() => {});
  const wallStart = performance.now();
  const random = seeded(options.seed ^ 0x5eed);
  const completeShare = options.completeShare ?? 0.5;
  const feeds = options.feeds ?? 'changes';
  const { people, accounts } = generatePopulation(options);

  const { stateMachineDefinition, tables } = synthesizeForLocal();
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const counts = { writes: 0, reads: 0, counting: false };
  const byOperation: Record<string, number> = {};
  const WRITES = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (counts.counting) {
        const name = String(context.commandName ?? '');
        const input = args.input as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> };
        const items = input.TransactItems?.length ?? 1;
        const table =
          (args.input as { TableName?: string }).TableName?.replace(/^sim-/, '') ?? '(several tables)';
        const operation = `${name.replace(/Command$/, '')} ${table}`;
        byOperation[operation] = (byOperation[operation] ?? 0) + 1;
        if (WRITES.test(name)) counts.writes += name.startsWith('Transact') ? 2 * items : items;
        else counts.reads += 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'simulationCounter' },
  );
  const stops: Array<() => Promise<void>> = [() => dynamo.stop()];
  try {
    for (const [key, name] of Object.entries(TABLES))
      await ensureTable(dynamo.client, name, tables[key as keyof typeof TABLES]);
    counts.counting = true;
    const documents = DynamoDBDocumentClient.from(dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    });

    const clock = new VirtualClock(new Date(SIM_START));
    // Checked as PlanNextStep checks them: here one directory serves every function.
    const banks = bankDirectoryFromConfig(JSON.stringify(SIM_BANKS), validateLadderVersions);
    const cases = new DynamoCaseStore(documents, TABLES.cases);
    const trail = new DynamoTrail(documents, TABLES.trail);
    const contacts = new DynamoContactLedger(documents, TABLES.contactLedger);
    const masterKey = createHmac('sha256', `overdue-simulation-${options.seed}`).update('master').digest();
    const vault = new EnvelopePiiVault(new LocalDataKeyProvider(masterKey));
    const blindIndex = new HmacBlindIndex(
      new LocalIndexKeySource(createHmac('sha256', masterKey).update('overdue-blind-index-secret').digest()),
    );
    const sms = new RecordingSms(clock);
    const email = new RecordingEmail(clock);
    const letters = new MemoryLetters(clock);
    const bankEvents = new RecordingBankEvents(clock);
    const dynamoWorkItems = new DynamoWorkItems(documents, TABLES.workItems);
    const openedItems: Array<{ itemId: string; dueBy: number; at: number }> = [];
    const workItems: WorkItems = {
      open: async (item: WorkItem) => {
        await dynamoWorkItems.open(item);
        openedItems.push({
          itemId: item.itemId,
          dueBy: Date.parse(item.dueBy),
          at: Date.parse(item.createdAt),
        });
      },
      get: (itemId) => dynamoWorkItems.get(itemId),
    };

    const byTask: Record<string, number> = {};
    let handlerMs = 0;
    const counted =
      (task: string, handler: TaskHandler): TaskHandler =>
      async (event) => {
        byTask[task] = (byTask[task] ?? 0) + 1;
        const started = performance.now();
        try {
          return await handler(event);
        } finally {
          handlerMs += performance.now() - started;
        }
      };
    const transitionsByCase = new Map<string, number>();
    const escalations = new LocalEscalationStarter({
      definition: stateMachineDefinition,
      clock,
      planNextStep: counted(
        'PlanNextStep',
        makePlanNextStepHandler(() => ({ cases, trail, contacts, banks, clock })),
      ),
      act: actFunctionHandlers(
        () => ({
          cases,
          trail,
          vault,
          contacts,
          sms,
          email,
          letters,
          bankEvents,
          workItems,
          banks,
          clock,
        }),
        counted,
      ),
      openTask: counted(
        'OpenTask',
        makeOpenTaskHandler(() => ({
          openWorkItem: (input) => openWorkItem({ cases, workItems, trail, clock }, input),
        })),
      ),
      recordFault: counted(
        'RecordFault',
        makeRecordFaultHandler(() => ({
          recordFault: (input) => recordFault({ cases, trail, clock }, input),
        })),
      ),
      onStateEntered: (record) =>
        transitionsByCase.set(record.input.caseId, (transitionsByCase.get(record.input.caseId) ?? 0) + 1),
      onFailure: (record) => log(`[simulate] execution ${record.name} failed: ${record.error?.name}`),
    });
    stops.unshift(async () => {
      await escalations.stop();
      clock.stop();
    });

    const startupMs = performance.now() - wallStart;
    const storage = new InMemoryFeedStorage();
    const queued: EscalationRequest[] = [];
    const ingestDeps = {
      storage,
      cases,
      vault,
      blindIndex,
      escalationQueue: {
        enqueue: async (requests: readonly EscalationRequest[]) => void queued.push(...requests),
      },
      banks,
      clock,
      stopwatch: { readMs: () => performance.now() },
    };
    const unpaced = { next: async () => {}, afterThrottle: async () => {} };
    const runStarts = async () => {
      for (let round = 0; round < 5 && queued.length > 0; round++) {
        const batch = queued.splice(0);
        const report = await startEscalations({ escalations, cases, pacing: unpaced }, batch);
        if (report.errors.length > 0) log(`[simulate] start errors: ${report.errors.join(', ')}`);
        queued.push(...report.retryLater);
      }
    };

    // What the checker needs to know of each case, from the feeds as they were built.
    const facts = new Map<string, CaseFacts>();
    const state = new Map<string, { overdueMinor: number; closed: boolean }>();
    let feedRows = 0;
    let feedRejects = 0;
    let ingestMs = 0;
    let escalationMs = 0;
    const pendingCompletions: Array<{ itemId: string; at: number; result: string }> = [];
    let decided = 0;
    let completed = 0;
    const busy = () => escalations.busy;
    const done = () => escalations.tasksDone;

    for (let day = 0; day < options.days; day++) {
      const now = SIM_START + day * DAY_MS;
      const asOf = new Date(now).toISOString().slice(0, 10);
      // The day's feed lands first at its instant: steps due at that very instant run after it (as the checker
      // assumes), so the clock stops the day before at the last millisecond before the next feed.
      const dayEnd = now + DAY_MS - 1;
      clock.set(new Date(now), { wake: false });
      const ingestStarted = performance.now();
      for (const bank of SIM_BANKS) {
        const rows: string[] = [FEED_COLUMNS.join(',')];
        for (const account of accounts) {
          if (account.person.bankId !== bank.bankId || day < account.appearDay) continue;
          const row = feedRow(account, day, asOf, state, facts, now, feeds);
          if (row) rows.push(row);
        }
        if (rows.length === 1) continue;
        feedRows += rows.length - 1;
        const key = `incoming/${bank.bankId}/sim-${asOf}.csv`;
        storage.drop(key, `${rows.join('\n')}\n`);
        const report = await ingestFeed(ingestDeps, { key, version: `sim-${day}` });
        feedRejects += report.rejected;
        if (report.rejected > 0 && day === 0)
          log(`[simulate] ${bank.bankId}: ${report.rejected} rows rejected`);
        storage.files.clear();
      }
      await runStarts();
      ingestMs += performance.now() - ingestStarted;

      const escalationStarted = performance.now();
      await settle(busy, done, { pollMs: 2 });
      // The day, in slices that end where a person completes a work item.
      for (;;) {
        for (const item of openedItems.splice(0)) {
          decided++;
          if (random() >= completeShare) continue;
          const at =
            item.at +
            between(random, 1, Math.max(1, Math.floor((item.dueBy - item.at) / HOUR_MS) - 1)) * HOUR_MS;
          const result = item.itemId.includes('review')
            ? pick(random, ['approved', 'not-approved'])
            : pick(random, ['promise-to-pay', 'no-answer', 'wrong-number', 'refused-to-pay']);
          pendingCompletions.push({ itemId: item.itemId, at, result });
        }
        pendingCompletions.sort((a, b) => a.at - b.at);
        const first = pendingCompletions[0];
        const until = first && first.at <= dayEnd ? first.at : dayEnd;
        await clock.runFor(Math.max(0, until - clock.now().getTime()), () =>
          settle(busy, done, { pollMs: 2 }),
        );
        while (pendingCompletions[0] && pendingCompletions[0].at <= clock.now().getTime()) {
          const due = pendingCompletions.shift() as (typeof pendingCompletions)[number];
          if (
            escalations.completeWorkItem(due.itemId, {
              outcome: 'done',
              result: due.result,
              by: 'sim:collector',
            })
          )
            completed++;
        }
        await settle(busy, done, { pollMs: 2 });
        if (clock.now().getTime() >= dayEnd && openedItems.length === 0) break;
      }
      escalationMs += performance.now() - escalationStarted;
      if ((day + 1) % 30 === 0 || day === options.days - 1)
        log(
          `[simulate] day ${day + 1}/${options.days} ${asOf}: ${sms.sent.length} sms, ${email.sent.length} email, ${letters.stored.length} letters, ${Math.round((performance.now() - wallStart) / 1000)} s`,
        );
    }

    counts.counting = false;
    const executions = escalations.executions();
    // Refusals and deferrals on record, by rule, from the trail.
    const refusalsByRule: Record<string, number> = {};
    const deferralsByRule: Record<string, number> = {};
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.client.send(
        new ScanCommand({
          TableName: TABLES.trail,
          ...(startKey ? { ExclusiveStartKey: startKey as never } : {}),
          FilterExpression: 'kind IN (:r, :d)',
          ExpressionAttributeValues: { ':r': { S: 'contact.refused' }, ':d': { S: 'contact.deferred' } },
        }),
      );
      for (const item of page.Items ?? []) {
        const kind = item.kind?.S;
        const rule = item.detail?.M?.rule?.S ?? '?';
        const target = kind === 'contact.refused' ? refusalsByRule : deferralsByRule;
        target[rule] = (target[rule] ?? 0) + 1;
      }
      startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (startKey);

    for (const caseId of (process.env.SIM_TRACE_CASES ?? '').split(',').filter(Boolean)) {
      const entries = (await trail.list(caseId)).sort((a, b) => a.at.getTime() - b.at.getTime());
      for (const e of entries)
        log(`[trace] ${caseId} ${e.at.toISOString()} ${e.kind} ${JSON.stringify(e.detail)}`);
    }
    const check = checkContacts({ sms: sms.sent, emails: email.sent, letters: letters.stored, cases: facts });
    const contactsByStep: Record<string, number> = {};
    for (const contactId of [
      ...sms.sent.map((m) => m.contactId),
      ...email.sent.map((m) => m.contactId),
      ...letters.stored.map((l) => l.contactId),
    ]) {
      const bank = contactId.slice(0, contactId.indexOf(':'));
      const step = `${bank}/${contactId.slice(contactId.lastIndexOf('#') + 1)}`;
      contactsByStep[step] = (contactsByStep[step] ?? 0) + 1;
    }
    const accountsFed = facts.size;
    const perCase = [...facts.keys()]
      .map((caseId) => transitionsByCase.get(caseId) ?? 0)
      .sort((a, b) => a - b);
    const invocations = Object.values(byTask).reduce((a, b) => a + b, 0);
    const result: SimulationResult = {
      feeds,
      accounts: accounts.length,
      accountsFed,
      people: people.length,
      days: options.days,
      seed: options.seed,
      contacts: {
        sms: sms.sent.length,
        email: email.sent.length,
        letter: letters.stored.length,
        total: sms.sent.length + email.sent.length + letters.stored.length,
      },
      contactsByStep: Object.fromEntries(Object.entries(contactsByStep).sort()),
      freezeRequests: bankEvents.published.length,
      refusalsByRule,
      deferralsByRule,
      check,
      transitions: {
        p50: percentile(perCase, 50),
        p95: percentile(perCase, 95),
        max: perCase[perCase.length - 1] ?? 0,
        total: perCase.reduce((a, b) => a + b, 0),
      },
      invocations: {
        total: invocations,
        perAccount: accountsFed ? invocations / accountsFed : 0,
        byTask,
        meanMs: invocations ? handlerMs / invocations : 0,
      },
      executions: {
        total: executions.length,
        parked: executions.filter((e) => e.lastState === 'Parked').length,
        failed: executions.filter((e) => e.status === 'FAILED').length,
        running: executions.filter((e) => e.status === 'RUNNING').length,
      },
      workItems: { opened: decided, completed },
      feedRows,
      feedRejects,
      dynamo: {
        writes: counts.writes,
        reads: counts.reads,
        byOperation: Object.fromEntries(Object.entries(byOperation).sort((a, b) => b[1] - a[1])),
      },
      seconds: (performance.now() - wallStart) / 1000,
      cpuSeconds: {
        simulation: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        ...(dynamo.processGroup === undefined ? {} : groupCpuSeconds(dynamo.processGroup)),
      },
      phaseSeconds: { startup: startupMs / 1000, ingest: ingestMs / 1000, escalations: escalationMs / 1000 },
    };
    return result;
  } finally {
    for (const stop of stops) await stop().catch(() => {});
  }
}

/** CPU seconds of the processes in a process group, from /proc (none where there is no /proc). */
function groupCpuSeconds(group: number): { dynamoDbLocal?: number } {
  let ticks = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command's closing parenthesis: state ppid pgrp … utime (14th) stime (15th).
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // The process ended while being read.
      }
    }
  } catch {
    return {};
  }
  // Linux reports in clock ticks of 1/100 s (USER_HZ) on every common architecture.
  return { dynamoDbLocal: ticks / 100 };
}

/**
 * The account's feed row for `day` (CSV), or undefined when the day's feed does not carry it: once it has left
 * the feed (paid), and in `changes` mode on a day nothing about it changed. Records in `facts` what the checker
 * must know (flag intervals, closing instant).
 */
function feedRow(
  account: Account,
  day: number,
  asOf: string,
  state: Map<string, { overdueMinor: number; closed: boolean }>,
  facts: Map<string, CaseFacts>,
  now: number,
  feeds: FeedMode,
): string | undefined {
  const caseId = caseIdOf(account.person.bankId, account.accountId);
  let current = state.get(caseId);
  const appears = !current;
  if (!current) {
    current = { overdueMinor: account.principalMinor, closed: false };
    state.set(caseId, current);
    facts.set(caseId, {
      personId: account.person.personId,
      pack: account.person.pack,
      timeZone: account.person.timeZone,
      ceased: [],
    });
  }
  if (current.closed) return undefined;
  const caseFacts = facts.get(caseId) as CaseFacts;
  const dueDate = addDays(addDays(asOf, -day), account.appearDay - account.initialDpd);
  const paid = account.payDay !== undefined && day >= account.payDay;
  const partial = account.partialDays.has(day);
  if (partial) current.overdueMinor = Math.max(100, Math.floor(current.overdueMinor * 0.7));
  const { flag } = account;
  const flagged = flag !== undefined && day >= flag.from && day < flag.to;
  if (paid) {
    current.closed = true;
    caseFacts.closedAt = now;
  } else if (flag && day === flag.from) {
    // Raised by this day's row, lifted by the row of the day it ends (sent in either mode).
    caseFacts.ceased.push({ from: now, to: SIM_START + flag.to * DAY_MS, flag: flag.name });
  }
  const changed =
    appears || paid || partial || (flag !== undefined && (day === flag.from || day === flag.to));
  if (feeds === 'changes' && !changed) return undefined;
  const flags = flagged ? [flag.name] : [];
  const { person } = account;
  const cells: Record<(typeof FEED_COLUMNS)[number], string> = {
    account_id: account.accountId,
    as_of: asOf,
    customer_name: person.name,
    mobile: person.mobile,
    email: person.email ?? '',
    national_id: person.nationalId ?? '',
    address: person.address ?? '',
    card_last4: account.cardLast4,
    currency: person.pack === 'cn' ? 'CNY' : 'USD',
    overdue_principal: paid ? '0.00' : money(current.overdueMinor),
    overdue_interest: paid ? '0.00' : money(account.interestMinor),
    overdue_fees: '',
    due_date: dueDate,
    timezone: person.timeZone,
    language: person.pack === 'cn' ? 'zh-CN' : 'en',
    flags: flags.join(';'),
  };
  return FEED_COLUMNS.map((column) => cells[column]).join(',');
}
