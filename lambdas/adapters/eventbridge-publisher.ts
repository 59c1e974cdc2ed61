/** The stack's own EventBridge bus: PutEvents, at most 10 entries a call (the API's limit). */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import type { PublishedEvent } from '../domain/published-events.ts';
import type { EventPublisher } from '../ports/index.ts';

const ENTRIES_PER_CALL = 10;

export const createEventBridgePublisher = (
  eventBusName: string,
  client = new EventBridgeClient({}),
): EventPublisher => ({
  async publish(events) {
    const failed: number[] = [];
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      const batch = events.slice(start, start + ENTRIES_PER_CALL);
      let result: PutEventsCommandOutput;
      try {
        result = await client.send(
          new PutEventsCommand({
            Entries: batch.map((event: PublishedEvent) => ({
              EventBusName: eventBusName,
              Source: event.source,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
              Time: new Date(event.detail.at),
            })),
          }),
        );
      } catch (error) {
        // Nothing published yet: the invocation fails and the stream retries it. Else what is left is reported.
        if (start === 0) throw error;
        for (let i = start; i < events.length; i++) failed.push(i);
        return failed;
      }
      // An entry the bus did not accept carries an ErrorCode (throttled, internal failure); the others are in.
      (result.Entries ?? []).forEach((entry, i) => {
        if (entry.ErrorCode) failed.push(start + i);
      });
    }
    return failed;
  },
});
