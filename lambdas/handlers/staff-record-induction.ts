import { stageChangePorts } from '../adapters/wiring.ts';
import { mailLinks } from '../shared/env.ts';
import { inductionSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordInduction } from '../use-cases/staff-actions.ts';

const ports = stageChangePorts();
const links = mailLinks();

export const handler = staffActionHandler(inductionSchema, (id, input, staffId) =>
  recordInduction(id, input, ports, { staffId, links }),
);
