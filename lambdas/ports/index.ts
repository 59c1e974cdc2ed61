/** The ports the use cases need. Adapters implement them; tests pass in-memory versions. */
import type { Application, ApplicationEvent, ComplianceFlag, OutboxEmail } from '../domain/application.ts';
import type { Cover } from '../domain/capacity.ts';
import type { PublishedEvent } from '../domain/published-events.ts';
import type { DocumentKind, Stage, WaitStep } from '../domain/stages.ts';

export class VersionConflict extends Error {
  override readonly name = 'VersionConflict';
}
export class DuplicateEmail extends Error {
  override readonly name = 'DuplicateEmail';
}
/** The token names no waiting task any more: its execution ended, or the step was run again with a new token.
 *  Never ignored: the application is flagged and the sweep checks or restarts its workflow. */
export class TaskGone extends Error {
  override readonly name = 'TaskGone';
}
/** The mail service refused the message for good (rejected, sender not verified, sending paused or suspended):
 *  sending it again cannot help, so the outbox stops trying and staff are shown it. */
export class Undeliverable extends Error {
  override readonly name = 'Undeliverable';
}

export interface IdempotencyRecord {
  keyHash: string;
  bodySha256: string;
  applicationId: string;
  /** The access token, AES-GCM encrypted with a key derived from the Idempotency-Key (which is never stored). */
  sealedToken: string;
  createdAt: string;
}

export interface ApplicationStore {
  /** Creates the application, its first events, the email-uniqueness item and (optionally) the idempotency record
   *  in one transaction. Throws DuplicateEmail when an open application holds the email. */
  create(app: Application, events: ApplicationEvent[], idempotency?: IdempotencyRecord): Promise<void>;
  get(id: string): Promise<Application | undefined>;
  /** The application holding the inbox (domain/mailbox.ts; open or active: closing frees it), if any. */
  /** Appends audit events of who looked at what (DESIGN §7) without changing the application: its version and
   *  its place in the staff queue stay as they are. */
  recordAccess(events: ApplicationEvent[]): Promise<void>;
  findByEmail(mailbox: string): Promise<Application | undefined>;
  /** Replaces `before` with `next` if the stored version is still `before.version` (next carries version + 1),
   *  appending the events in the same transaction; frees the email when the application closes.
   *  Throws VersionConflict otherwise. */
  update(next: Application, before: Application, events: ApplicationEvent[]): Promise<void>;
  events(id: string): Promise<ApplicationEvent[]>;
  findIdempotency(keyHash: string): Promise<IdempotencyRecord | undefined>;
  /** Removes delivered outbox entries (by id) from the item, whatever its version now is, and moves the version
   *  on: a change based on an earlier read must conflict, not write the delivered entries back. */
  clearOutbox(id: string, entryIds: string[]): Promise<void>;
  /** Applications whose `dueAt` is at or before `asOf`, oldest first, through the sparse due index. */
  due(asOf: string, limit: number, cursor?: string): Promise<{ items: Application[]; cursor?: string }>;
  /** Active therapists whose next compliance action is due at or before `asOf` (the sparse compliance index). */
  complianceDue(
    asOf: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: Application[]; cursor?: string }>;
  /** Applications with something to delete at or before `asOf` (the sparse retention index). */
  retentionDue(
    asOf: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: Application[]; cursor?: string }>;
  digest(date: string): Promise<Digest | undefined>;
  addToDigest(date: string, changes: DigestChange[]): Promise<void>;
  /** Marks the day's digest sent; false when it already was (a rerun sends nothing twice). */
  markDigestSent(date: string, at: string): Promise<boolean>;
  /** Deletes the application and its events, leaving only the tombstone event. Safe to repeat. */
  purge(id: string, tombstone: ApplicationEvent): Promise<number>;
  /** The staff queue: applications in a stage, most recently changed first. */
  byStage(stage: Stage, limit: number, cursor?: string): Promise<{ items: Application[]; cursor?: string }>;
  /** How many applications are in a stage (the queue's tab counts). */
  countByStage(stage: Stage): Promise<number>;
  /** Active therapists with a renewed document waiting to be verified, oldest upload first (issue 11 §2). */
  toVerify(limit: number, cursor?: string): Promise<{ items: Application[]; cursor?: string }>;
}

export interface DigestChange {
  applicationId: string;
  flag: ComplianceFlag;
  change: 'raised' | 'cleared';
  at: string;
}

export interface Digest {
  date: string;
  changes: DigestChange[];
  sentAt?: string;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

export interface DocumentStore {
  presignUpload(
    key: string,
    opts: { maxBytes: number; contentType: string; expiresInSeconds: number },
  ): Promise<PresignedUpload>;
  /** The first bytes of an object and its full SHA-256, size and declared content type. */
  inspect(
    key: string,
  ): Promise<{ head: Uint8Array; sha256: string; sizeBytes: number; contentType: string } | undefined>;
  delete(key: string): Promise<void>;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Deletes every object and every version under the prefix; returns how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
  get(key: string): Promise<Uint8Array | undefined>;
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

export type Email = OutboxEmail;
export interface Mailer {
  send(email: Email): Promise<void>;
}

export interface Workflow {
  /** Starts the application's execution, named after it (idempotent). Returns the execution ARN. A restart (the
   *  n-th) gets a name of its own (see executionName) and starts at the step `resumeAt`. */
  start(applicationId: string, restart?: { attempt: number; resumeAt: WaitStep }): Promise<string>;
  /** Spends a token. Throws TaskGone when no task waits for it any more. */
  succeed(token: string, output: Record<string, unknown>): Promise<void>;
  /** Spends a token with an error. Throws TaskGone when no task waits for it any more. */
  fail(token: string, error: string, cause: string): Promise<void>;
  stop(executionArn: string, cause: string): Promise<void>;
}

/** The maintained capacity aggregate (domain/capacity.ts), read by the capacity report. */
export interface CapacityAggregate {
  /** The aggregate's items whose keys fall in the inclusive ranges, and how many items were read. */
  read(
    ranges: { from: string; to: string }[],
  ): Promise<{ items: { key: string; cover: Cover }[]; itemsRead: number }>;
}

/** The stack's own event bus (DESIGN §5 Events). */
export interface EventPublisher {
  /** Publishes the events in order; returns the indexes of those that were not accepted (to be sent again). */
  publish(events: PublishedEvent[]): Promise<number[]>;
}

export interface Clock {
  now(): Date;
}

export interface Ports {
  store: ApplicationStore;
  documents: DocumentStore;
  mailer: Mailer;
  workflow: Workflow;
  clock: Clock;
}

export type { DocumentKind };
