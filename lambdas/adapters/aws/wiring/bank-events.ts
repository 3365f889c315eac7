/**
 * Events to the banks, over one EventBridge client per container (the pattern: see lazy.ts). Environment:
 * BANK_EVENTS_BUS_NAME (`overdue-<stage>-bank-events`). The function needs events:PutEvents on that bus.
 */

import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { BankEvents } from '../../../ports/notifier';
import { EventBridgeBankEvents } from '../eventbridge-bank-events';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

const eventBridgeClient = onceWith((instrument: Instrument) => instrument(new EventBridgeClient({})));

export function buildBankEvents(instrument: Instrument = asBuilt): BankEvents {
  return new EventBridgeBankEvents(eventBridgeClient(instrument), requiredEnv('BANK_EVENTS_BUS_NAME'));
}
