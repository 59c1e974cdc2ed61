/**
 * publishHistory (the table stream → the stack's event bus, DESIGN §5 Events)
 *  1. Each new audit entry the stream carries becomes at most one published event (domain/published-events.ts);
 *     other items, and entries that are no domain change, publish nothing.
 *  2. The events go out in stream order (per application, the order of its changes).
 *  3. A record whose event the bus did not accept is reported as a batch item failure: the stream retries from
 *     it, so a failure half-way loses nothing (a redelivered event keeps its eventId for consumers to drop).
 */
import { type HistoryEntry, type PublishedEvent, toPublishedEvent } from '../domain/published-events.ts';
import type { EventPublisher } from '../ports/index.ts';

export interface StreamRecord {
  /** The record's sequence number: what a batch item failure names. */
  sequenceNumber: string;
  /** The new audit entry, when the record is one (an INSERT of an `EVENT#` item). */
  entry?: HistoryEntry;
}

export interface PublishResult {
  published: number;
  batchItemFailures: { itemIdentifier: string }[];
}

export const publishHistory = async (
  records: readonly StreamRecord[],
  ports: { events: EventPublisher },
): Promise<PublishResult> => {
  const outgoing: { sequenceNumber: string; event: PublishedEvent }[] = [];
  for (const record of records) {
    const event = record.entry && toPublishedEvent(record.entry);
    if (event) outgoing.push({ sequenceNumber: record.sequenceNumber, event });
  }
  if (outgoing.length === 0) return { published: 0, batchItemFailures: [] };
  const failed = await ports.events.publish(outgoing.map((item) => item.event));
  return {
    published: outgoing.length - failed.length,
    batchItemFailures: failed.flatMap((index) => {
      const item = outgoing[index];
      return item ? [{ itemIdentifier: item.sequenceNumber }] : [];
    }),
  };
};
