/**
 * In-memory stand-ins for the ports, one module per port under `fakes/`, each held to the same contract as
 * the real part it stands in for (test/contracts/). This module gathers them for convenient imports.
 */

export { type BankEvent, RecordingBankEvents } from './fakes/bank-events';
export { InMemoryCaseStore } from './fakes/case-store';
export { FakeClock, SettableClock } from './fakes/clock';
export { InMemoryContactLedger } from './fakes/contact-ledger';
export { RecordingEmailSender } from './fakes/email';
export { InMemoryEscalationQueue } from './fakes/escalation-queue';
export { InMemoryFeedStorage } from './fakes/feed-storage';
export { InMemoryLetterStore } from './fakes/letters';
export { InMemoryPaymentLedger } from './fakes/payment-ledger';
export { RecordingSmsSender } from './fakes/sms';
export { type Execution, InMemoryStepFunctions } from './fakes/step-functions';
export * from './fakes/test-data';
export { InMemoryTrail } from './fakes/trail';
export { InMemoryWorkItems } from './fakes/work-items';
export { createFakeWorld, type FakeWorld, unpaced } from './fakes/world';
