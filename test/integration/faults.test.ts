/**
 * Issue 8 §3: the workflow survives faults. Applications go through the local API to active and to each side exit
 * while 30% of SES and Step Functions calls (the API's and the state machine's Lambda invokes) and 5% of DynamoDB
 * calls fail with AWS's retryable errors, and 3% of workflow-task invocations time out and 2% crash (POST
 * /__dev/faults); the sweep then finishes what the faults left.
 * Every application ends in its journey's stage, each person gets each email of the fault-free journey exactly
 * once, no execution is left running, and every 5xx was fixed by the client's single retry. The same run with
 * 1,000 applications is `npm run bench -- --only faults`.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { describeFaultRun, runFaultScenario } from '../../bench/faults.ts';
import { api, apiUrl } from './support.ts';

const APPLICATIONS = Number(process.env.FAULT_RUN_APPLICATIONS ?? 20);

afterAll(async () => {
  await api('POST', '/__dev/faults', { body: { rates: {} } });
});

describe('faults on demand', () => {
  it('reads back what it was given, and refuses a rate outside 0..1 (400)', async () => {
    const set = await api('POST', '/__dev/faults', { body: { seed: 3, rates: { ses: 0.25 } } });
    expect(set.status).toBe(200);
    expect((await api('GET', '/__dev/faults')).body).toMatchObject({ seed: 3, rates: { ses: 0.25 } });
    expect((await api('POST', '/__dev/faults', { body: { rates: { ses: 1.5 } } })).status).toBe(400);
    await api('POST', '/__dev/faults', { body: { rates: {} } });
    expect((await api('GET', '/__dev/faults')).body).toMatchObject({ rates: {} });
  });
});

describe('the workflow survives faults', () => {
  it(`${APPLICATIONS} applications under 30% SES and Step Functions faults and 5% DynamoDB faults`, async () => {
    const result = await runFaultScenario({
      apiUrl: apiUrl(),
      endpoints: inject('endpoints'),
      applications: APPLICATIONS,
      seed: 8,
      rates: { ses: 0.3, sfn: 0.3, lambda: 0.3, dynamodb: 0.05 },
      invocations: { 'workflow-task': { timeout: 0.03, crash: 0.02 } },
      concurrency: 6,
      request: (method, path, opts) => api(method, path, opts ?? {}),
    });
    console.log(describeFaultRun(result));
    // The faults did happen, at about the rates asked for.
    expect(result.injected.ses).toBeGreaterThan(0);
    expect(result.injected.sfn).toBeGreaterThan(0);
    expect(result.injected.dynamodb).toBeGreaterThan(0);
    expect((result.injected.timeout ?? 0) + (result.injected.crash ?? 0)).toBeGreaterThan(0);
    expect(result.wrongStage).toEqual([]);
    expect(result.emailMismatches).toEqual([]);
    expect(result.stranded).toEqual([]);
    expect(result.executions.FAILED ?? 0).toBe(0);
    expect(result.undeliveredEmails).toBe(0);
    expect(result.failed5xx).toBe(0);
  }, 300_000);
});
