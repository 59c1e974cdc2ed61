import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { capacityAggregateRead } from '../adapters/dynamo-capacity-aggregate.ts';
import { CAPACITY_POLICY } from '../domain/capacity.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, parseWith, requireStaff } from '../shared/http.ts';
import { asOfInstant, capacityQuerySchema } from '../shared/schemas.ts';
import { capacityCsv, capacityReportAt } from '../use-cases/capacity-report.ts';

const ports = { capacity: { read: capacityAggregateRead(dynamoTable(env.tableName)) } };
const minimumCover = Number(process.env.MINIMUM_COVER ?? CAPACITY_POLICY.minimumCover);

export const handler = httpHandler(async (event) => {
  requireStaff(event);
  const query = parseWith(capacityQuerySchema, event.queryStringParameters ?? {});
  const { report } = await capacityReportAt(
    { asOf: query.asOf ? asOfInstant(query.asOf) : new Date(), weeks: query.weeks, minimumCover },
    ports,
  );
  if (query.format === 'json') return json(200, report);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="capacity-${report.asOf}-${report.weeks}-weeks.csv"`,
      'cache-control': 'no-store',
    },
    body: capacityCsv(report),
  };
});
