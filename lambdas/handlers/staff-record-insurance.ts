import { tablePorts } from '../adapters/wiring.ts';
import { insuranceSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordInsurance } from '../use-cases/staff-actions.ts';

/** Recording a renewal sends nothing and spends no token. */
const ports = tablePorts();

export const handler = staffActionHandler(insuranceSchema, (id, input, staffId) =>
  recordInsurance(id, input, ports, staffId),
);
