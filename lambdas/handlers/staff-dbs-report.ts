import { dynamoTable, storeComplianceDue, storeRecordAccess } from '../adapters/dynamo-application-store.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { env } from '../shared/env.ts';
import { httpHandler, json, parseWith, requireStaff } from '../shared/http.ts';
import { asOfInstant, reportQuerySchema } from '../shared/schemas.ts';
import { dbsReport, recordReportAccess, reportCsv } from '../use-cases/dbs-report.ts';

const table = dynamoTable(env.tableName);
const ports = {
  store: wiredStore({ complianceDue: storeComplianceDue(table), recordAccess: storeRecordAccess(table) }),
  clock: systemClock,
};

export const handler = httpHandler(async (event) => {
  const { staffId } = requireStaff(event);
  const query = parseWith(reportQuerySchema, event.queryStringParameters ?? {});
  const report = await dbsReport({ asOf: query.asOf ? asOfInstant(query.asOf) : new Date() }, ports);
  await recordReportAccess(report, query.format, staffId, ports);
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
