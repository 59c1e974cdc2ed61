/**
 * A compliance flag a staff action clears is an audit entry of its own (`compliance-flag-cleared`), which the
 * table stream publishes as `insurance.flag-cleared` / `dbs.flag-cleared` (issue 11 §3).
 */
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../lambdas/domain/application.ts';
import { recordInsurance } from '../../../lambdas/use-cases/staff-actions.ts';
import { withIndexKeys } from '../../../lambdas/use-cases/support.ts';
import { memoryPorts } from './memory-ports.ts';

const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const NOW = new Date('2026-11-26T10:00:00Z');

const activeWithFlags = (m: ReturnType<typeof memoryPorts>, flags: Application['compliance']) => {
  const app = withIndexKeys(
    {
      id: ID,
      version: 1,
      stage: 'active',
      createdAt: '2026-01-20T09:00:00.000Z',
      updatedAt: '2026-11-20T09:00:00.000Z',
      stageEnteredAt: '2026-02-26T09:00:00.000Z',
      applicant: { firstName: 'Sam', lastName: 'Lee', email: 'sam@example.org' },
      dbs: { hasCertificate: false, assessment: 'current', reasons: [] },
      insurance: { endDate: '2026-11-01' },
      outbox: [],
      remindersSent: [],
      documents: {},
      documentProblems: {},
      requiredDocuments: ['indemnity-insurance'],
      compliance: flags,
    } as unknown as Application,
    NOW,
  );
  m.apps.set(app.id, app);
};

const renewed = {
  insurer: 'Balens',
  policyNumber: 'PI-2',
  coverAmountGbp: 1_500_000,
  basis: 'aggregate' as const,
  startDate: '2026-11-20',
  endDate: '2027-11-19',
};

describe('clearing a flag', () => {
  it('renewed insurance clears insurance-expired, with an entry naming the flag; other flags stay, with none', async () => {
    const m = memoryPorts(NOW);
    activeWithFlags(m, { sent: [], flags: ['insurance-expired', 'dbs-overdue'] });
    await recordInsurance(ID, renewed, m.ports, 'staff-1');
    expect(m.apps.get(ID)?.compliance?.flags).toEqual(['dbs-overdue']);
    const cleared = m.events.filter((e) => e.type === 'compliance-flag-cleared');
    expect(cleared.map((e) => e.details)).toEqual([{ flag: 'insurance-expired' }]);
  });

  it('writes no entry when there was no flag to clear', async () => {
    const m = memoryPorts(NOW);
    activeWithFlags(m, { sent: [], flags: [] });
    await recordInsurance(ID, renewed, m.ports, 'staff-1');
    expect(m.events.filter((e) => e.type === 'compliance-flag-cleared')).toEqual([]);
  });
});
