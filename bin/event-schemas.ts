/**
 * Writes the JSON Schema of every published event (lambdas/shared/published-event-schemas.ts) to schemas/events/.
 * They are checked in; test/unit/domain/published-events.test.ts fails when one is stale.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PUBLISHED_EVENT_TYPES } from '../lambdas/domain/published-events.ts';
import { eventJsonSchema, eventSchemaPath } from '../lambdas/shared/published-event-schemas.ts';

for (const type of PUBLISHED_EVENT_TYPES) {
  const path = eventSchemaPath(type);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`);
  console.log(path);
}
