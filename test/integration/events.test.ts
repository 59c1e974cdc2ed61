/**
 * The published events (DESIGN §5 Events, §6 GET /__dev/events): a whole journey, subscribed to through the local
 * bus, publishes exactly its domain changes, in order, each valid against its checked-in schema and carrying no
 * personal data.
 */
import { describe, expect, it } from 'vitest';
import type { PublishedEventType } from '#domain/published-events.ts';
import { addDaysIso } from '../../lambdas/domain/dates.ts';
import { eventSchemaErrors } from '../support/event-schemas.ts';
import { toActive } from './journey.ts';
import { api, eventually, isoDaysFromToday, validApplication } from './support.ts';

interface BusEvent {
  detailType: PublishedEventType;
  detail: Record<string, unknown> & { applicationId: string; eventId: string; stage: string; at: string };
  at: string;
}

const published = async (applicationId: string): Promise<BusEvent[]> => {
  const res = await api<{ events: BusEvent[] }>('GET', '/__dev/events');
  expect(res.status).toBe(200);
  return res.body.events.filter((event) => event.detail.applicationId === applicationId);
};

/** Waits until the application's events end with `last`, then returns them all. */
const publishedUntil = (applicationId: string, last: PublishedEventType) =>
  eventually(async () => {
    const events = await published(applicationId);
    expect(events.at(-1)?.detailType).toBe(last);
    return events;
  }, 30_000);

describe('a whole journey on the bus', () => {
  it('publishes submitted → documents complete → approved → contract signed → induction recorded → activated, in order, each once', async () => {
    const body = validApplication();
    const app = await toActive(body);
    const events = await publishedUntil(app.applicationId, 'therapist.activated');

    expect(events.map((e) => [e.detailType, e.detail.stage])).toEqual([
      ['application.submitted', 'awaiting-documents'],
      ['application.documents-complete', 'in-review'],
      ['application.approved', 'contract-sent'],
      ['contract.signed', 'induction-invited'],
      ['induction.recorded', 'awaiting-availability'],
      ['therapist.activated', 'active'],
    ]);
    // Each event once (the eventId is the audit entry's), in the order of the changes.
    expect(new Set(events.map((e) => e.detail.eventId)).size).toBe(events.length);
    const times = events.map((e) => e.detail.at);
    expect([...times].sort()).toEqual(times);

    for (const event of events) {
      expect(eventSchemaErrors(event.detailType, event.detail), event.detailType).toEqual([]);
      expect(event.detail.schemaVersion).toBe(1);
    }
    // No name, email, phone, postcode or DBS certificate number leaves the system.
    const text = JSON.stringify(events);
    for (const secret of [
      body.applicant.email,
      body.applicant.firstName,
      body.applicant.lastName,
      body.applicant.phone,
      body.applicant.postcode,
      body.dbs.certificateNumber,
      body.professional.membershipNumber,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('a withdrawal is one event, with the stage it left the application in', async () => {
    const res = await api<{ applicationId: string; accessToken: string }>('POST', '/applications', {
      body: validApplication(),
    });
    expect(res.status).toBe(201);
    const { applicationId, accessToken } = res.body;
    const withdrawn = await api('POST', `/applications/${applicationId}/withdrawal`, {
      token: accessToken,
      body: {},
    });
    expect(withdrawn.status).toBe(200);
    const events = await publishedUntil(applicationId, 'application.withdrawn');
    expect(events.map((e) => [e.detailType, e.detail.stage])).toEqual([
      ['application.submitted', 'awaiting-documents'],
      ['application.withdrawn', 'withdrawn'],
    ]);
  });
});

describe("an active therapist's own changes (issue 11 §2)", () => {
  it('a change of availability and a pause are one event each, with their dates and no reason or personal data', async () => {
    const app = await toActive(undefined, isoDaysFromToday(0));
    const effectiveFrom = isoDaysFromToday(7);
    const changed = await api('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: {
        patientsPerWeek: 4,
        weeklySlots: [{ day: 'sun', start: '05:00', end: '09:00' }],
        effectiveFrom,
      },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const from = isoDaysFromToday(14);
    const to = addDaysIso(from, 6);
    const paused = await api('POST', `/applications/${app.applicationId}/pauses`, {
      token: app.accessToken,
      body: { from, to, reason: 'A family wedding abroad' },
    });
    expect(paused.status).toBe(201);

    const events = await publishedUntil(app.applicationId, 'therapist.paused');
    const own = events.slice(events.findIndex((e) => e.detailType === 'therapist.activated') + 1);
    expect(own.map((e) => e.detailType)).toEqual(['therapist.availability-changed', 'therapist.paused']);
    expect(own[0]?.detail).toMatchObject({
      applicationId: app.applicationId,
      stage: 'active',
      effectiveFrom,
    });
    expect(own[1]?.detail).toMatchObject({ applicationId: app.applicationId, stage: 'active', from, to });
    for (const event of own) {
      expect(eventSchemaErrors(event.detailType, event.detail), event.detailType).toEqual([]);
    }
    expect(JSON.stringify(own)).not.toContain('wedding');
  });
});

describe('a failure half-way loses nothing', () => {
  it('with the bus throttling 60 % of the calls, every event still arrives, once each', async () => {
    const set = await api('POST', '/__dev/faults', { body: { seed: 7, rates: { events: 0.6 } } });
    expect(set.status).toBe(200);
    try {
      const created = await api<{ applicationId: string; accessToken: string }>('POST', '/applications', {
        body: validApplication(),
      });
      expect(created.status).toBe(201);
      const { applicationId, accessToken } = created.body;
      expect(
        (await api('POST', `/applications/${applicationId}/withdrawal`, { token: accessToken, body: {} }))
          .status,
      ).toBe(200);
      const events = await publishedUntil(applicationId, 'application.withdrawn');
      expect(events.map((e) => e.detailType)).toEqual(['application.submitted', 'application.withdrawn']);
      const faults = await api<{ injected: Record<string, number> }>('GET', '/__dev/faults');
      expect(faults.body.injected.events ?? 0).toBeGreaterThan(0);
    } finally {
      await api('POST', '/__dev/faults', { body: { rates: {} } });
    }
  });
});
