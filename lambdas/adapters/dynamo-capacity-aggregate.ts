/**
 * The capacity aggregate on the single table (lib/table.ts): pk=CAPACITY, sk=Y#<year> | M#<year-month> |
 * D#<date> | S#<date> (domain/capacity.ts), one number attribute per half-hour of the week that was ever touched
 * (`h0` Monday 00:00 … `h335` Sunday 23:30) and `p`, patients a week.
 *
 * Written only by the store's create and update, in the same transaction as the application item (ADD of the
 * change, so concurrent changes of different therapists add up; two in flight on one aggregate item make DynamoDB
 * cancel one with TransactionConflict, which the store reports as a VersionConflict to be retried).
 * Read by the capacity report: a Query per key range, so the items read depend on the calendar, not on how many
 * therapists there are.
 */
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  aggregateChanges,
  type CapacityTherapist,
  CELLS,
  type Cover,
  emptyCover,
} from '../domain/capacity.ts';
import type { CapacityAggregate } from '../ports/index.ts';
import type { DynamoTable } from './dynamo-application-store.ts';

export const CAPACITY_PK = 'CAPACITY';

/** One Update (ADD) per aggregate item the change from `before` to `after` touches; none for most changes. */
export const capacityUpdates = (
  tableName: string,
  before: CapacityTherapist[],
  after: CapacityTherapist[],
): {
  Update: {
    TableName: string;
    Key: Record<string, AttributeValue>;
    UpdateExpression: string;
    ExpressionAttributeValues: Record<string, AttributeValue>;
  };
}[] =>
  [...aggregateChanges(before, after)].map(([key, cover]) => {
    // Short names keep the expression under DynamoDB's 4 KB even when all 336 half-hours change (~3.5 KB).
    const terms: string[] = [];
    const values: Record<string, string | number> = { ':entity': 'capacity' };
    cover.cells.forEach((n, i) => {
      if (n === 0) return;
      terms.push(`h${i} :${i}`);
      values[`:${i}`] = n;
    });
    if (cover.patients !== 0) {
      terms.push('p :p');
      values[':p'] = cover.patients;
    }
    return {
      Update: {
        TableName: tableName,
        Key: marshall({ pk: CAPACITY_PK, sk: key }),
        UpdateExpression: `SET entity = :entity ADD ${terms.join(', ')}`,
        ExpressionAttributeValues: marshall(values),
      },
    };
  });

const toCover = (item: Record<string, unknown>): Cover => {
  const cover = emptyCover();
  for (let i = 0; i < CELLS; i++) {
    const n = item[`h${i}`];
    if (typeof n === 'number') cover.cells[i] = n;
  }
  cover.patients = typeof item.p === 'number' ? item.p : 0;
  return cover;
};

/** The aggregate's items in the given inclusive key ranges, and how many items DynamoDB returned. */
export const capacityAggregateRead =
  (table: DynamoTable): CapacityAggregate['read'] =>
  async (ranges) => {
    const items: { key: string; cover: Cover }[] = [];
    for (const range of ranges) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.name,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: marshall({ ':pk': CAPACITY_PK, ':from': range.from, ':to': range.to }),
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const raw of page.Items ?? []) {
          const item = unmarshall(raw);
          items.push({ key: String(item.sk), cover: toCover(item) });
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return { items, itemsRead: items.length };
  };
