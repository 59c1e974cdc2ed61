/**
 * publishHistory: one event per new audit entry that is a domain change, in stream order; what the bus did not
 * accept is reported by sequence number so the stream retries from it.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, PublishedEvent } from '../../../lambdas/domain/published-events.ts';
import type { EventPublisher } from '../../../lambdas/ports/index.ts';
import { publishHistory, type StreamRecord } from '../../../lambdas/use-cases/publish-events.ts';

const entry = (id: string, type: string, details?: HistoryEntry['details']): HistoryEntry => ({
  id,
  applicationId: '01KA0000000000000000000000',
  at: '2027-03-01T09:30:00.000Z',
  type,
  stage: 'in-review',
  ...(details ? { details } : {}),
});

/** A bus that refuses the events at the given positions of each call, and records what it was given. */
const bus = (refuse: number[] = []) => {
  const calls: PublishedEvent[][] = [];
  const publisher: EventPublisher = {
    async publish(events) {
      calls.push(events);
      return refuse.filter((i) => i < events.length);
    },
  };
  return { publisher, calls };
};

const records: StreamRecord[] = [
  { sequenceNumber: '100', entry: entry('01KA0000000000000000000001', 'document-received') },
  { sequenceNumber: '101', entry: entry('01KA0000000000000000000002', 'documents-complete') },
  { sequenceNumber: '102' },
  {
    sequenceNumber: '103',
    entry: entry('01KA0000000000000000000003', 'review-decided', { decision: 'approve' }),
  },
];

describe('publishHistory', () => {
  it('publishes the domain changes only, in stream order, and reports nothing when all are accepted', async () => {
    const { publisher, calls } = bus();
    const result = await publishHistory(records, { events: publisher });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.map((e) => [e.detailType, e.detail.eventId])).toEqual([
      ['application.documents-complete', '01KA0000000000000000000002'],
      ['application.approved', '01KA0000000000000000000003'],
    ]);
    expect(result).toEqual({ published: 2, batchItemFailures: [] });
  });

  it('names the records whose events the bus did not accept, by their sequence numbers', async () => {
    const { publisher } = bus([1]);
    const result = await publishHistory(records, { events: publisher });
    expect(result).toEqual({ published: 1, batchItemFailures: [{ itemIdentifier: '103' }] });
  });

  it('calls the bus not at all for a batch with no domain change', async () => {
    const { publisher, calls } = bus();
    const result = await publishHistory(records.slice(0, 1), { events: publisher });
    expect(calls).toHaveLength(0);
    expect(result).toEqual({ published: 0, batchItemFailures: [] });
  });

  it('lets a failing bus fail the invocation (the stream retries and bisects it)', async () => {
    const publisher: EventPublisher = {
      publish: () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' })),
    };
    await expect(publishHistory(records, { events: publisher })).rejects.toThrow('throttled');
  });
});
