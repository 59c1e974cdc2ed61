import { contractStagePorts } from '../adapters/wiring.ts';
import { mailLinks } from '../shared/env.ts';
import { reviewSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { review } from '../use-cases/staff-actions.ts';

const ports = contractStagePorts();
const links = mailLinks();

export const handler = staffActionHandler(reviewSchema, (id, input, staffId) =>
  review(id, input, ports, { staffId, links }),
);
