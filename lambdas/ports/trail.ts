/** The append-only trail: every contact attempt, decision and access, never edited, only superseded. */

export type TrailKind =
  | 'case.opened'
  | 'case.updated'
  | 'case.viewed'
  | 'contact.attempted'
  | 'contact.sent'
  | 'contact.deferred'
  | 'contact.refused'
  | 'contact.failed'
  | 'payment.posted'
  | 'step.skipped'
  | 'step.done'
  | 'escalation.paused'
  | 'escalation.parked'
  | 'escalation.ended'
  | 'work-item.opened'
  | 'work-item.closed'
  | 'freeze.requested'
  | 'letter.delivered';

export interface TrailEntry {
  readonly caseId: string;
  readonly kind: TrailKind;
  readonly at: Date;
  /** Who acted: a staff user id, or `system:<function>` for automated steps. */
  readonly actor: string;
  /** Deterministic id for idempotent appends: the same id twice is stored once. */
  readonly entryId: string;
  /** Non-personal details only: channel, template, rule, step, outcome. */
  readonly detail: Readonly<Record<string, string | number | boolean>>;
}

export interface Trail {
  /** Appends an entry; returns false when an entry with the same id was already there. */
  append(entry: TrailEntry): Promise<boolean>;
  list(caseId: string): Promise<TrailEntry[]>;
}
