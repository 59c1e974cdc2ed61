import { contractStagePorts } from '../adapters/wiring.ts';
import { mailLinks } from '../shared/env.ts';
import { newDbsCertificateSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordDbs } from '../use-cases/staff-actions.ts';

const ports = contractStagePorts();
const links = mailLinks();

export const handler = staffActionHandler(newDbsCertificateSchema, (id, input, staffId) =>
  recordDbs(id, input, ports, { staffId, links }),
);
