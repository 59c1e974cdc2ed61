/** The ports the use cases need. Adapters implement them; tests pass in-memory versions. */
import type { Application, ApplicationEvent } from '../domain/application.ts';
import type { DocumentKind } from '../domain/stages.ts';

export class VersionConflict extends Error {
  override readonly name = 'VersionConflict';
}
export class DuplicateEmail extends Error {
  override readonly name = 'DuplicateEmail';
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
  /** Replaces the item if its version is still `expectedVersion` (the new item carries expectedVersion + 1),
   *  appending the events in the same transaction. Throws VersionConflict otherwise. */
  update(app: Application, expectedVersion: number, events: ApplicationEvent[]): Promise<void>;
  events(id: string): Promise<ApplicationEvent[]>;
  findIdempotency(keyHash: string): Promise<IdempotencyRecord | undefined>;
  /** Applications whose workflow never started, oldest first. */
  pendingWorkflows(limit: number): Promise<Application[]>;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

export interface DocumentStore {
  presignUpload(key: string, opts: { maxBytes: number; contentTypes: readonly string[]; expiresInSeconds: number }): Promise<PresignedUpload>;
  /** The first bytes of an object and its full SHA-256, size and declared content type. */
  inspect(key: string): Promise<{ head: Uint8Array; sha256: string; sizeBytes: number; contentType: string } | undefined>;
  delete(key: string): Promise<void>;
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
}
export interface Mailer {
  send(email: Email): Promise<void>;
}

export interface Workflow {
  /** Starts the application's execution, named after it (idempotent). Returns the execution ARN. */
  start(applicationId: string): Promise<string>;
  succeed(token: string, output: Record<string, unknown>): Promise<void>;
  fail(token: string, error: string, cause: string): Promise<void>;
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
