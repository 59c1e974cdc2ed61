/**
 * The capacity report (issue 11 §1) through the local stack: a therapist taken to active through the real API
 * shows in the maintained aggregate in the same transaction, a pause written through the store takes them out on
 * its days, and the consistency check recomputes the aggregate from the items. Other test files leave therapists
 * in the shared table, so every figure here is a difference between two reports.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDynamoApplicationStore } from '../../lambdas/adapters/dynamo-application-store.ts';
import { CAPACITY_PK, capacityAggregateRead } from '../../lambdas/adapters/dynamo-capacity-aggregate.ts';
import type { CapacityReport } from '../../lambdas/domain/capacity.ts';
import { addDaysIso, londonToday } from '../../lambdas/domain/dates.ts';
import { checkCapacityAggregate } from '../../lambdas/use-cases/capacity-consistency.ts';
import { TABLE_NAME } from '../../lib/local/stack.ts';
import { availability, toActive } from './journey.ts';
import { api, isoDaysFromToday, staffToken } from './support.ts';

const client = () =>
  new DynamoDBClient({
    region: 'eu-west-2',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    endpoint: inject('endpoints').dynamodb,
  });
const store = () => createDynamoApplicationStore(TABLE_NAME, client());
const capacity = () => ({ read: capacityAggregateRead({ name: TABLE_NAME, client: client() }) });

const report = async (asOf: string, weeks: number) => {
  const res = await api<CapacityReport>('GET', `/staff/reports/capacity?asOf=${asOf}&weeks=${weeks}`, {
    token: await staffToken(),
  });
  expect(res.status).toBe(200);
  return res.body;
};
const at = (r: CapacityReport, day: string, start: string) => {
  const cell = r.halfHours.find((h) => h.day === day && h.start === start);
  if (!cell) throw new Error(`no ${day} ${start}`);
  return cell;
};
/** The therapist of journey.ts's availability(): Monday 09:00-11:00 and Saturday 22:00-24:00, 4 patients. */
const THEIR_HALF_HOURS = [
  ['mon', '09:00'],
  ['mon', '10:30'],
  ['sat', '22:00'],
  ['sat', '23:30'],
] as const;
const NOT_THEIRS = [
  ['mon', '11:00'],
  ['sat', '21:30'],
  ['tue', '09:00'],
] as const;

describe('GET /staff/reports/capacity', () => {
  it('counts a new therapist in the pipeline before their start and as cover from it, and leaves them out while paused', async () => {
    const today = londonToday(new Date());
    const startDate = isoDaysFromToday(3);
    const secondWeek = addDaysIso(startDate, 7);
    const before = {
      now: await report(today, 1),
      week1: await report(startDate, 1),
      week2: await report(secondWeek, 1),
    };
    expect(before.now.halfHours).toHaveLength(336);

    const app = await toActive(undefined, startDate);
    expect(availability(startDate).patientsPerWeek).toBe(4);

    const now = await report(today, 1);
    const week1 = await report(startDate, 1);
    const week2 = await report(secondWeek, 1);
    for (const [day, start] of THEIR_HALF_HOURS) {
      expect(at(now, day, start).pipeline).toBe((at(before.now, day, start).pipeline ?? 0) + 1);
      expect(at(week1, day, start).therapists).toBe((at(before.week1, day, start).therapists ?? 0) + 1);
      expect(at(week2, day, start).therapists).toBe((at(before.week2, day, start).therapists ?? 0) + 1);
      expect(at(week1, day, start).pipeline).toBe(at(before.week1, day, start).pipeline);
    }
    for (const [day, start] of NOT_THEIRS) {
      expect(at(now, day, start).pipeline).toBe(at(before.now, day, start).pipeline);
      expect(at(week1, day, start).therapists).toBe(at(before.week1, day, start).therapists);
    }
    expect(now.patientsPerWeek.pipeline).toBe(before.now.patientsPerWeek.pipeline + 4);
    expect(week1.patientsPerWeek.active).toBe(before.week1.patientsPerWeek.active + 4);

    // A pause over the whole second week (issue 11 §2 will write it through its route; the store's update is the
    // path every change takes, and it carries the aggregate's change in the same transaction).
    const stored = await store().get(app.applicationId);
    if (!stored) throw new Error('the therapist is not stored');
    const pauses = [{ from: secondWeek, to: addDaysIso(secondWeek, 6) }];
    await store().update({ ...stored, pauses, version: stored.version + 1 }, stored, []);
    const pausedWeek1 = await report(startDate, 1);
    const pausedWeek2 = await report(secondWeek, 1);
    const bothWeeks = await report(startDate, 2);
    for (const [day, start] of THEIR_HALF_HOURS) {
      expect(at(pausedWeek1, day, start).therapists).toBe(at(week1, day, start).therapists);
      expect(at(pausedWeek2, day, start).therapists).toBe(at(before.week2, day, start).therapists);
      // Over both weeks, the fewest: the paused week can only lower it.
      expect(at(bothWeeks, day, start).therapists).toBeLessThanOrEqual(
        at(pausedWeek2, day, start).therapists ?? 0,
      );
    }
    expect(pausedWeek2.patientsPerWeek.active).toBe(before.week2.patientsPerWeek.active);

    const check = await checkCapacityAggregate({ store: store(), capacity: capacity() });
    expect(check.differences).toEqual([]);
    expect(check.therapists).toBeGreaterThan(0);
  });

  it('answers the same report as CSV: a header and one row per half-hour, in words', async () => {
    const res = await api<string>('GET', '/staff/reports/capacity?asOf=2027-03-22&weeks=1&format=csv', {
      token: await staffToken(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('capacity-2027-03-22-1-weeks.csv');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('Day,From,To,Therapists,Due to start,Below minimum cover,Clock change');
    expect(lines).toHaveLength(1 + 336 + 1);
    expect(lines[1]).toMatch(/^Monday,00:00,00:30,\d+,\d+,(yes|no),$/);
    // 28 March 2027: the clocks go forward, 01:00-02:00 does not happen.
    expect(lines.find((line) => line.startsWith('Sunday,01:00,'))).toBe(
      'Sunday,01:00,01:30,,,no,does not happen on 2027-03-28',
    );
    expect(lines[336]).toMatch(/^Sunday,23:30,24:00,/);
  });

  it('shows the October clock change as a half-hour that happens twice', async () => {
    const r = await report('2026-10-19', 1);
    expect(at(r, 'sun', '01:00').clockChange).toEqual({ date: '2026-10-25', change: 'repeated' });
    expect(at(r, 'sun', '01:00').therapists).not.toBeNull();
  });

  it.each([
    ['weeks=0', 'weeks'],
    ['weeks=13', 'weeks'],
    ['weeks=two', 'weeks'],
    ['asOf=2027-02-30', 'asOf'],
    ['format=xlsx', 'format'],
    ['colour=red', 'colour'],
  ])('400 for %s, naming the field', async (query, path) => {
    const res = await api<{ errors: { path: string }[] }>('GET', `/staff/reports/capacity?${query}`, {
      token: await staffToken(),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.path)).toContain(path);
  });

  it('defaults to 4 weeks from today', async () => {
    const r = await report(londonToday(new Date()), 4);
    const res = await api<CapacityReport>('GET', '/staff/reports/capacity', { token: await staffToken() });
    expect(res.body).toMatchObject({ asOf: r.asOf, weeks: 4, through: addDaysIso(r.asOf, 27) });
  });
});

describe('the consistency check', () => {
  it('finds an aggregate item that no longer matches the items, and nothing once it is put right', async () => {
    expect((await checkCapacityAggregate({ store: store(), capacity: capacity() })).differences).toEqual([]);
    const nudge = (by: number) =>
      client().send(
        new UpdateItemCommand({
          TableName: TABLE_NAME,
          Key: { pk: { S: CAPACITY_PK }, sk: { S: 'D#2031-01-01' } },
          UpdateExpression: 'ADD h5 :n',
          ExpressionAttributeValues: { ':n': { N: String(by) } },
        }),
      );
    await nudge(1);
    const broken = await checkCapacityAggregate({ store: store(), capacity: capacity() });
    expect(broken.differences.map((d) => d.key)).toEqual(['D#2031-01-01']);
    await nudge(-1);
    expect((await checkCapacityAggregate({ store: store(), capacity: capacity() })).differences).toEqual([]);
  });
});
