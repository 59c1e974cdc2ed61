import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, tablePorts } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { therapyAccountSchema } from '../shared/schemas.ts';
import { staffActionHandler } from '../shared/staff-action.ts';
import { recordTherapyAccount } from '../use-cases/therapy-account.ts';

const ports = tablePorts(wiredStore(changeMethods(dynamoTable(env.tableName))));

export const handler = staffActionHandler(therapyAccountSchema, (id, input, staffId) =>
  recordTherapyAccount(id, input, ports, { kind: 'staff', id: staffId }),
);
