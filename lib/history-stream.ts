/**
 * How the table stream reaches publish-events (DESIGN §5 Events), once for the CDK event source mapping
 * (lib/stacks/stateless-stack.ts) and the local stream poller (lib/local/streams.ts), so both deliver alike.
 */

/** The event source mapping's settings. */
export const HISTORY_STREAM = {
  /** Records per invocation: one PutEvents call carries at most 10 entries. */
  batchSize: 10,
  /** Wait at most this long to fill a batch: events reach consumers within seconds. */
  maxBatchingWindowSeconds: 1,
  /** Attempts after the first, then the batch goes to the on-failure queue (the bus was down for long). */
  retryAttempts: 8,
  /** A record older than this is sent to the on-failure queue instead (the stream keeps 24 hours). */
  maxRecordAgeHours: 6,
  /** A failing batch is split in two and each half retried, so one bad record cannot hold the others back. */
  bisectBatchOnError: true,
  /** The function names the records it could not publish; the stream retries from the first of them. */
  reportBatchItemFailures: true,
  /** One batch at a time per shard: events of an application are published in the order of its changes. */
  parallelizationFactor: 1,
} as const;

/**
 * Only new audit entries (`EVENT#` items) invoke the function: updates of the application item, the capacity
 * aggregate and the rest never do (a Lambda event filter; the local poller applies the same).
 */
export const HISTORY_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { sk: { S: [{ prefix: 'EVENT#' }] } } },
} as const;

/** The filter, applied to one stream record (the local poller; Lambda applies HISTORY_STREAM_FILTER itself). */
export const matchesHistoryFilter = (record: {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, { S?: string } | undefined> };
}): boolean =>
  record.eventName === 'INSERT' &&
  (record.dynamodb?.NewImage?.sk?.S ?? '').startsWith(HISTORY_STREAM_FILTER.dynamodb.NewImage.sk.S[0].prefix);
