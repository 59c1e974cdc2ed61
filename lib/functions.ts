/**
 * Every Lambda of the system, once. The CDK stack builds one function per entry (and grants exactly what `uses`
 * says); the local stack runs the same handler modules, each in workers of its own. Nothing else names a handler
 * file. The grants are measured (issue 8): the local stack enforces them, and `npm run iam:report` lists any a
 * test run never used.
 */
import { DOCUMENT_KINDS } from '../lambdas/domain/stages.ts';
import type { TABLE_KEYS } from './table.ts';

/**
 * Template metadata key naming the registry entry a function was built from (set by lib/constructs/function.ts;
 * read by lib/workflow-asl.ts and lib/local/template.ts). Here, so reading a template needs no aws-cdk-lib.
 */
export const FUNCTION_METADATA_KEY = 'affiliate-onboarding:function';

/** purge: write, plus BatchWriteItem to delete a closed application's items in batches (retention). */
export type TableAccess = 'read' | 'write' | 'purge';
export type IndexName = (typeof TABLE_KEYS)['indexes'][number]['name'];

/**
 * The parts of the documents bucket a function may touch, by the key layout (lambdas/use-cases/create-upload.ts and
 * contract.ts): what applicants upload, the contracts (and their signed copies), or an application's whole prefix.
 */
export type DocumentArea = 'uploads' | 'contracts' | 'applications';
export const DOCUMENT_AREA_KEYS: Record<DocumentArea, readonly string[]> = {
  uploads: DOCUMENT_KINDS.map((kind) => `applications/*/${kind}/*`),
  contracts: ['applications/*/contract/*'],
  applications: ['applications/*'],
};

/** Object access, area by area: each becomes its S3 action on those key patterns only. */
export interface DocumentsAccess {
  /** s3:GetObject, in the function or through a download link it signs. */
  read?: readonly DocumentArea[];
  /** s3:PutObject, in the function or through an upload form it signs. */
  write?: readonly DocumentArea[];
  /** s3:DeleteObject. */
  delete?: readonly DocumentArea[];
  /** s3:ListBucket: a read of an object that is gone answers NoSuchKey (404), which the code handles, not 403. */
  list?: boolean;
  /** Every version of what it deletes, and listing them (s3:DeleteObjectVersion, s3:ListBucketVersions). */
  versions?: boolean;
}

export interface FunctionSpec {
  /** Path of the handler module from the project root; it exports `handler`. */
  entry: string;
  description: string;
  uses: {
    table?: TableAccess;
    /** The indexes it queries (dynamodb:Query on each); none unless listed. */
    indexes?: readonly IndexName[];
    /**
     * Queries the table itself, not an index (dynamodb:Query on the table): an application's event history, or the
     * capacity aggregate's date ranges.
     */
    history?: boolean;
    documents?: DocumentsAccess;
    mail?: boolean;
    /** start: StartExecution; callback: SendTaskSuccess/Failure; stop: StopExecution. */
    workflow?: readonly ('start' | 'callback' | 'stop')[];
    /** events:PutEvents on the stack's own event bus (DESIGN §5 Events), and EVENT_BUS_NAME. */
    events?: boolean;
    /** Invoked by the table's stream (an event source mapping), which reads the stream with the function's role. */
    tableStream?: boolean;
  };
  timeoutSeconds?: number;
  memoryMb?: number;
  /**
   * Reserved concurrency: the work no flood on the public API may starve (the workflow's task, uploads, the
   * schedules), and 1 for a schedule whose runs must never overlap. The sum is a deploy prerequisite (README).
   */
  reservedConcurrency?: number;
  /**
   * Folders (from the project root) copied next to the bundle under their own name, for code that reads a file by
   * a path relative to its module: the contract renderer's embedded fonts.
   */
  files?: readonly string[];
}

/**
 * The API functions that render a contract PDF: a cold start with the fonts, the render and the inline outbox
 * delivery under throttling (SDK backoff; DynamoDB alone makes 4 attempts) do not fit in 10 s (the fault run, issue 8),
 * and API Gateway waits up to 30 s.
 */
const PDF_TIMEOUT_SECONDS = 20;

/** The fonts the contract PDF embeds (lambdas/contracts/contract-pdf.ts reads them at `./fonts/`). */
const CONTRACT_FONTS = ['lambdas/contracts/fonts'] as const;

const DEFINITIONS = {
  health: {
    entry: 'lambdas/handlers/health.ts',
    description: 'GET /health',
    uses: {},
  },
  openapi: {
    entry: 'lambdas/handlers/openapi.ts',
    description: 'GET /openapi.json, generated from the zod schemas',
    uses: {},
  },
  'create-application': {
    entry: 'lambdas/handlers/create-application.ts',
    description: 'POST /applications',
    uses: { table: 'write', documents: { write: ['uploads'] }, mail: true, workflow: ['start'] },
  },
  'create-access-link': {
    entry: 'lambdas/handlers/create-access-link.ts',
    description: 'POST /applications/access-links: emails a fresh status link; the old token stops working',
    uses: { table: 'write', mail: true },
  },
  'get-application': {
    entry: 'lambdas/handlers/get-application.ts',
    description: "GET /applications/{id}: the applicant's view",
    uses: { table: 'read', history: true },
  },
  'create-upload': {
    entry: 'lambdas/handlers/create-upload.ts',
    description: 'POST /applications/{id}/uploads: a fresh presigned POST',
    uses: { table: 'read', documents: { write: ['uploads'] } },
  },
  'get-contract': {
    entry: 'lambdas/handlers/get-contract.ts',
    description: 'GET /applications/{id}/contract',
    uses: { table: 'read', documents: { read: ['contracts'] } },
  },
  'sign-contract': {
    entry: 'lambdas/handlers/sign-contract.ts',
    files: CONTRACT_FONTS,
    description: 'POST /applications/{id}/contract/signature: the e-signature and the signed copy',
    uses: {
      table: 'write',
      history: true,
      // Reads the contract it signs (a missing one is reported as such), writes the signed copy.
      documents: { read: ['contracts'], write: ['contracts'], list: true },
      mail: true,
      // stop: a late retry for an application that has ended stops its execution instead of storing a token.
      workflow: ['callback', 'stop'],
    },
    memoryMb: 512,
    timeoutSeconds: PDF_TIMEOUT_SECONDS,
  },
  'give-availability': {
    entry: 'lambdas/handlers/give-availability.ts',
    description:
      "PUT /applications/{id}/availability: the questionnaire, then active; an active therapist's change",
    uses: { table: 'write', history: true, mail: true, workflow: ['callback'] },
  },
  'add-pause': {
    entry: 'lambdas/handlers/add-pause.ts',
    description: "POST /applications/{id}/pauses: an active therapist's pause, no new patients meanwhile",
    uses: { table: 'write', history: true, mail: true },
  },
  'request-dbs-application': {
    entry: 'lambdas/handlers/request-dbs-application.ts',
    description:
      "PUT /applications/{id}/dbs-application: the fee accepted for the provider's DBS application",
    uses: { table: 'write', history: true, mail: true },
  },
  'withdraw-application': {
    entry: 'lambdas/handlers/withdraw-application.ts',
    description: 'POST /applications/{id}/withdrawal',
    uses: { table: 'write', history: true, mail: true, workflow: ['callback', 'stop'] },
  },
  'staff-list-applications': {
    entry: 'lambdas/handlers/staff-list-applications.ts',
    description: 'GET /staff/applications: the queue by stage, or the renewals to verify',
    uses: { table: 'read', indexes: ['by-stage', 'by-verify'] },
  },
  'staff-get-application': {
    entry: 'lambdas/handlers/staff-get-application.ts',
    description: 'GET /staff/applications/{id}: everything, with short-lived document links and the history',
    // Writes the audit event of the document links it issues (who looked at what), never the application.
    uses: { table: 'write', history: true, documents: { read: ['uploads', 'contracts'] } },
  },
  'staff-review': {
    entry: 'lambdas/handlers/staff-review.ts',
    files: CONTRACT_FONTS,
    description: 'POST /staff/applications/{id}/review',
    // An approval writes the contract PDF before the stage says contract-sent (and deletes one left unused).
    uses: {
      table: 'write',
      documents: { write: ['contracts'], delete: ['contracts'] },
      mail: true,
      workflow: ['callback'],
    },
    timeoutSeconds: PDF_TIMEOUT_SECONDS,
  },
  'staff-record-dbs': {
    entry: 'lambdas/handlers/staff-record-dbs.ts',
    files: CONTRACT_FONTS,
    description: 'POST /staff/applications/{id}/dbs: a new DBS certificate',
    // Recorded in awaiting-dbs, it writes the contract PDF before the stage says contract-sent.
    uses: {
      table: 'write',
      documents: { write: ['contracts'], delete: ['contracts'] },
      mail: true,
      workflow: ['callback'],
    },
    timeoutSeconds: PDF_TIMEOUT_SECONDS,
  },
  'staff-record-induction': {
    entry: 'lambdas/handlers/staff-record-induction.ts',
    files: CONTRACT_FONTS,
    description: 'POST /staff/applications/{id}/induction',
    uses: { table: 'write', mail: true, workflow: ['callback'] },
  },
  'staff-extend-induction': {
    entry: 'lambdas/handlers/staff-extend-induction.ts',
    description: 'POST /staff/applications/{id}/induction/extension: a new last start date, with a reason',
    uses: { table: 'write', mail: true, workflow: ['callback'] },
    files: CONTRACT_FONTS,
  },
  'staff-record-insurance': {
    entry: 'lambdas/handlers/staff-record-insurance.ts',
    files: CONTRACT_FONTS,
    description: "POST /staff/applications/{id}/insurance: an active therapist's renewed policy",
    uses: { table: 'write' },
  },
  'staff-record-dbs-application': {
    entry: 'lambdas/handlers/staff-record-dbs-application.ts',
    files: CONTRACT_FONTS,
    description: 'POST /staff/applications/{id}/dbs-application: the provider applied for a DBS certificate',
    uses: { table: 'write' },
  },
  'staff-record-dbs-status-check': {
    entry: 'lambdas/handlers/staff-record-dbs-status-check.ts',
    files: CONTRACT_FONTS,
    description: 'POST /staff/applications/{id}/dbs-status-check: a DBS Update Service status check',
    uses: { table: 'write' },
  },
  'staff-record-account': {
    entry: 'lambdas/handlers/staff-record-account.ts',
    description: "POST /staff/applications/{id}/account: the therapy website's account, recorded by hand",
    uses: { table: 'write' },
  },
  'integration-record-account': {
    entry: 'lambdas/handlers/integration-record-account.ts',
    description: "POST /integrations/accounts/{id}: the therapy platform reports the therapist's account",
    uses: { table: 'write' },
  },
  'staff-dbs-report': {
    entry: 'lambdas/handlers/staff-dbs-report.ts',
    description: 'GET /staff/reports/dbs: DBS and insurance compliance, JSON or CSV',
    // Writes an audit event on each therapist listed (who looked at what), never the application.
    uses: { table: 'write', indexes: ['by-compliance'] },
  },
  'staff-capacity-report': {
    entry: 'lambdas/handlers/staff-capacity-report.ts',
    description: 'GET /staff/reports/capacity: 24/7 cover from the maintained aggregate, JSON or CSV',
    uses: { table: 'read', history: true },
  },
  'dbs-audit': {
    entry: 'lambdas/handlers/dbs-audit.ts',
    description: 'Daily 06:00 London: DBS and insurance reminders, compliance flags, the staff digest',
    uses: { table: 'write', indexes: ['by-compliance'], mail: true },
    timeoutSeconds: 300,
    reservedConcurrency: 1,
  },
  retention: {
    entry: 'lambdas/handlers/retention.ts',
    description: 'Daily: deletes closed applications and DBS certificate images when their time is up',
    uses: {
      table: 'purge',
      indexes: ['by-retention'],
      // An application's whole prefix, every version: nothing kept past its time (DESIGN §7).
      documents: { delete: ['applications'], versions: true },
    },
    timeoutSeconds: 300,
    reservedConcurrency: 1,
  },
  'document-received': {
    entry: 'lambdas/handlers/document-received.ts',
    description: 'S3 ObjectCreated: checks and records a document, completes the documents step',
    uses: {
      table: 'write',
      // Inspects an upload (one deleted meanwhile is skipped), deletes a refused or superseded one; writes none.
      documents: { read: ['uploads'], delete: ['uploads'], list: true },
      mail: true,
      workflow: ['callback'],
    },
    timeoutSeconds: 60,
    memoryMb: 512,
    reservedConcurrency: 5,
  },
  'document-scanned': {
    entry: 'lambdas/handlers/document-scanned.ts',
    description:
      'GuardDuty malware scan result: a clean upload counts (and may complete the documents step); an infected one is deleted',
    uses: {
      table: 'write',
      // Checks that a clean upload not yet recorded is still there; deletes an infected one.
      documents: { read: ['uploads'], delete: ['uploads'], list: true },
      mail: true,
      workflow: ['callback'],
    },
    timeoutSeconds: 60,
    memoryMb: 512,
    // The same as document-received: scans arrive as uploads do, and a flood on the API must not hold them up.
    reservedConcurrency: 5,
  },
  'email-feedback': {
    entry: 'lambdas/handlers/email-feedback.ts',
    description: "SES bounces and complaints: the applicant's address marked undeliverable, staff told",
    uses: { table: 'write', mail: true },
    // Rare events, but a flood on the API must not keep staff from hearing that emails stopped reaching someone.
    reservedConcurrency: 2,
  },
  'workflow-task': {
    entry: 'lambdas/handlers/workflow-task.ts',
    files: CONTRACT_FONTS,
    description:
      'Invoked by the state machine at every step that waits on a person: stores the task token, sends emails',
    uses: {
      table: 'write',
      // Writes the contract at the contract step (and removes one another invocation made redundant); reads none.
      documents: { write: ['contracts'], delete: ['contracts'] },
      mail: true,
      // stop: a late retry for an application that has ended stops its execution instead of storing a token.
      workflow: ['callback', 'stop'],
    },
    memoryMb: 512,
    reservedConcurrency: 10,
  },
  'workflow-stopped': {
    entry: 'lambdas/handlers/workflow-stopped.ts',
    description:
      'EventBridge: an execution failed, timed out or was aborted; flags the application so the sweep restarts it',
    uses: { table: 'write' },
    reservedConcurrency: 2,
  },
  'publish-events': {
    entry: 'lambdas/handlers/publish-events.ts',
    description: "The table stream: each new audit entry becomes one event on the stack's bus (DESIGN §5)",
    uses: { events: true, tableStream: true },
    // Publishing never waits on the API: a flood of changes queues in the stream (24 h), in order per application.
    reservedConcurrency: 2,
  },
  'onboarding-sweep': {
    entry: 'lambdas/handlers/onboarding-sweep.ts',
    description: 'Scheduled: starts workflows that failed to start, reminders, lapsing, induction windows',
    uses: { table: 'write', indexes: ['by-due'], mail: true, workflow: ['start', 'callback', 'stop'] },
    timeoutSeconds: 300,
    reservedConcurrency: 1,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof DEFINITIONS;
export const FUNCTIONS: Readonly<Record<FunctionName, FunctionSpec>> = DEFINITIONS;
