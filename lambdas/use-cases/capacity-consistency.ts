/**
 * The capacity aggregate's consistency check (issue 11 §1): recompute it from the application items and compare.
 *  1. Every active therapist, through the by-stage index, page by page. This reads every therapist on purpose: it
 *     is the check of the aggregate, not the report.
 *  2. The aggregate as it should be (domain/capacity.ts: the changes from no therapists to these) against every
 *     stored aggregate item.
 *  3. The items that differ (none when the aggregate is right), with how many therapists and items were compared.
 */
import type { Application } from '../domain/application.ts';
import { aggregateChanges, type Cover, compareAggregates } from '../domain/capacity.ts';
import type { ApplicationStore, CapacityAggregate } from '../ports/index.ts';

const PAGE = 100;

export const checkCapacityAggregate = async (ports: {
  store: Pick<ApplicationStore, 'byStage'>;
  capacity: CapacityAggregate;
}) => {
  const therapists: Application[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.store.byStage('active', PAGE, cursor);
    therapists.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const expected = aggregateChanges([], therapists);
  const { items } = await ports.capacity.read([{ from: '#', to: '~' }]);
  const stored = new Map<string, Cover>(items.map((item) => [item.key, item.cover]));
  const differences = compareAggregates(stored, expected);
  return { therapists: therapists.length, items: stored.size, differences };
};
