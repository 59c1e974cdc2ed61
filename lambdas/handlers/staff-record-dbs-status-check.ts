import { tablePorts } from '../adapters/wiring.ts';
import { dbsStatusCheckSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbsStatusCheck } from '../use-cases/staff-actions.ts';

/** Recording a status check sends nothing and spends no token. */
const ports = tablePorts();

export const handler = staffActionHandler(dbsStatusCheckSchema, (id, input, staffId) =>
  recordDbsStatusCheck(id, input, ports, staffId),
);
