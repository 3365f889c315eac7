/**
 * Every fake wired together, with the real envelope vault on a local key: usable as any use case's deps.
 *
 *   const world = createFakeWorld({ now: '2026-03-02T02:00:00Z' });
 *   world.storage.drop('incoming/demo-bank/feed.csv', csvOf([feedRow()]));
 *   await ingestFeed(world, { key: 'incoming/demo-bank/feed.csv' });
 *   await world.startQueuedEscalations(); // the buffer's consumer, as SQS would run it
 */

import type { EnvelopePiiVault } from '../../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../../lambdas/adapters/hmac-blind-index';
import type { LocalDataKeyProvider } from '../../../lambdas/adapters/local/local-data-key-provider';
import { LocalIndexKeySource } from '../../../lambdas/adapters/local/local-index-key-source';
import { renderLetter } from '../../../lambdas/domain/letter-templates';
import { renderEmail, renderSms } from '../../../lambdas/domain/message-templates';
import type { BankDirectory } from '../../../lambdas/ports/bank-directory';
import type { Pacing } from '../../../lambdas/ports/pacing';
import type { Stopwatch } from '../../../lambdas/ports/stopwatch';
import type { ActTemplates } from '../../../lambdas/use-cases/act-on-step';
import { type StartReport, startEscalations } from '../../../lambdas/use-cases/start-escalations';
import { RecordingBankEvents } from './bank-events';
import { InMemoryCaseStore } from './case-store';
import { FakeClock } from './clock';
import { InMemoryContactLedger } from './contact-ledger';
import { RecordingEmailSender } from './email';
import { InMemoryEscalationQueue } from './escalation-queue';
import { InMemoryFeedStorage } from './feed-storage';
import { InMemoryLetterStore } from './letters';
import { InMemoryPaymentLedger } from './payment-ledger';
import { RecordingSmsSender } from './sms';
import { InMemoryStepFunctions } from './step-functions';
import { bankDirectory, localVault } from './test-data';
import { InMemoryTrail } from './trail';
import { InMemoryWorkItems } from './work-items';

/** No waiting: a unit test's StartExecution has no quota unless the fake is given one. */
export const unpaced: Pacing = { next: async () => {}, afterThrottle: async () => {} };

/** Every template too, as every channel: a world is the act use case's deps as it is (the Act handlers take their own). */
export interface FakeWorld extends ActTemplates {
  readonly storage: InMemoryFeedStorage;
  readonly cases: InMemoryCaseStore;
  readonly trail: InMemoryTrail;
  readonly vault: EnvelopePiiVault;
  readonly keys: LocalDataKeyProvider;
  readonly blindIndex: HmacBlindIndex;
  readonly escalations: InMemoryStepFunctions;
  readonly escalationQueue: InMemoryEscalationQueue;
  readonly pacing: Pacing;
  readonly ledger: InMemoryPaymentLedger;
  /** The contact ledger the guard reads (the payment ledger is `ledger`). */
  readonly contacts: InMemoryContactLedger;
  readonly sms: RecordingSmsSender;
  readonly email: RecordingEmailSender;
  readonly letters: InMemoryLetterStore;
  readonly workItems: InMemoryWorkItems;
  readonly bankEvents: RecordingBankEvents;
  readonly banks: BankDirectory;
  readonly clock: FakeClock;
  readonly stopwatch: Stopwatch;
  /** Runs the escalation buffer's consumer (the real start-escalations use case) over what intake queued. */
  startQueuedEscalations(): Promise<StartReport[]>;
}

export function createFakeWorld(options: { now?: Date | string; banks?: readonly object[] } = {}): FakeWorld {
  const { vault, keys } = localVault();
  const cases = new InMemoryCaseStore();
  const trail = new InMemoryTrail();
  const clock = new FakeClock(options.now);
  const escalations = new InMemoryStepFunctions(clock);
  const escalationQueue = new InMemoryEscalationQueue();
  return {
    storage: new InMemoryFeedStorage(),
    cases,
    ledger: new InMemoryPaymentLedger(cases, trail),
    contacts: new InMemoryContactLedger(),
    trail,
    vault,
    keys,
    blindIndex: new HmacBlindIndex(new LocalIndexKeySource(Buffer.alloc(32, 9))),
    escalations,
    escalationQueue,
    pacing: unpaced,
    sms: new RecordingSmsSender(),
    email: new RecordingEmailSender(),
    letters: new InMemoryLetterStore(),
    workItems: new InMemoryWorkItems(),
    bankEvents: new RecordingBankEvents(),
    banks: bankDirectory(...(options.banks ?? [])),
    clock,
    stopwatch: { readMs: () => performance.now() },
    renderSms,
    renderEmail,
    renderLetter,
    async startQueuedEscalations() {
      const reports: StartReport[] = [];
      await escalationQueue.deliver(async (batch) => {
        const report = await startEscalations({ escalations, cases, pacing: unpaced }, batch);
        reports.push(report);
        return report.retryLater;
      });
      return reports;
    },
  };
}
