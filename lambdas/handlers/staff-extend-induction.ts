import { stageChangePorts } from '../adapters/wiring.ts';
import { mailLinks } from '../shared/env.ts';
import { inductionExtensionSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { extendInduction } from '../use-cases/staff-actions.ts';

/** Reopening a closed window spends the induction step's token, so this action can change the stage. */
const ports = stageChangePorts();
const links = mailLinks();

export const handler = staffActionHandler(inductionExtensionSchema, (id, input, staffId) =>
  extendInduction(id, input, ports, { staffId, links }),
);
