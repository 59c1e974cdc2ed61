import { dynamoTable, storeComplianceDue } from '../adapters/dynamo-application-store.ts';
import { wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, parseWith, requireStaff } from '../shared/http.ts';
import { asOfInstant, reportQuerySchema } from '../shared/schemas.ts';
import { dbsReport, reportCsv } from '../use-cases/dbs-report.ts';

const ports = { store: wiredStore({ complianceDue: storeComplianceDue(dynamoTable(env.tableName)) }) };

export const handler = httpHandler(async (event) => {
  requireStaff(event);
  const query = parseWith(reportQuerySchema, event.queryStringParameters ?? {});
  const report = await dbsReport({ asOf: query.asOf ? asOfInstant(query.asOf) : new Date() }, ports);
  if (query.format === 'json') return json(200, report);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="dbs-compliance-${report.asOf}.csv"`,
      'cache-control': 'no-store',
    },
    body: reportCsv(report),
  };
});
