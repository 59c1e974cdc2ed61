import { tablePorts } from '../adapters/wiring.ts';
import { dbsApplicationMadeSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbsApplication } from '../use-cases/staff-actions.ts';

/** Recording the provider's application sends nothing and spends no token. */
const ports = tablePorts();

export const handler = staffActionHandler(dbsApplicationMadeSchema, (id, input, staffId) =>
  recordDbsApplication(id, input, ports, staffId),
);
