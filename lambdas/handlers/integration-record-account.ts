import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { changeMethods, tablePorts } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, parseWith, pathParam, requireIntegration } from '../shared/http.ts';
import { therapyAccountSchema } from '../shared/schemas.ts';
import { recordTherapyAccount } from '../use-cases/therapy-account.ts';

const ports = tablePorts(wiredStore(changeMethods(dynamoTable(env.tableName))));

export const handler = httpHandler(
  async (event) => {
    const { clientId } = requireIntegration(event);
    const input = parseWith(therapyAccountSchema, event.parsedBody);
    const app = await recordTherapyAccount(pathParam(event, 'id'), input, ports, {
      kind: 'platform',
      id: clientId,
    });
    return json(200, { applicationId: app.id, stage: app.stage, updatedAt: app.updatedAt });
  },
  { body: true },
);
