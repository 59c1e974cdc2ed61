/**
 * The applicant's contract, generated and stored before any stage says `contract-sent` (DESIGN §3 "Contract"): the
 * action that moves the stage (approval, or a new DBS certificate recorded) makes the PDF first, outside its
 * optimistic retry loop, then commits the stage and the contract together, so the contract route never answers
 * 409 while the status says "sign".
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { CONTRACT_VERSION, renderContract } from '../contracts/contract-pdf.ts';
import type { Application, ApplicationEvent, ContractRecord } from '../domain/application.ts';
import { londonToday } from '../domain/dates.ts';
import { contractReady, type Links } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { event, outboxEntry } from './support.ts';

export const prepareContract = async (
  app: Application,
  ports: Pick<Ports, 'documents'>,
  now: Date,
): Promise<ContractRecord> => {
  const pdf = await renderContract({
    applicationId: app.id,
    fullName: `${app.applicant.firstName} ${app.applicant.lastName}`,
    date: londonToday(now),
    version: CONTRACT_VERSION,
  });
  const key = `applications/${app.id}/contract/${CONTRACT_VERSION}-${ulid()}.pdf`;
  await ports.documents.put(key, pdf, 'application/pdf');
  return {
    version: CONTRACT_VERSION,
    key,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    generatedAt: now.toISOString(),
  };
};

/** The contract on the item, the applicant told it is ready; unchanged when the item already has one. */
export const withContract = (
  app: Application,
  contract: ContractRecord,
  links: Links,
  now: Date,
): { next: Application; events: ApplicationEvent[] } => {
  if (app.contract) return { next: app, events: [] };
  const next: Application = { ...app, contract };
  next.outbox = [...next.outbox, outboxEntry({ kind: 'email', email: contractReady(next, links) })];
  return { next, events: [event(app.id, now, 'contract-generated', { version: contract.version })] };
};

/**
 * Runs a change that may move the stage to contract-sent with a contract made beforehand. `decide` gets the
 * contract to attach; a contract the committed item does not reference (the change failed, decided otherwise, or
 * another writer stored one first) is removed, so no orphan PDF is left.
 */
export const withPreparedContract = async <T extends { contract?: ContractRecord } | undefined>(
  ports: Pick<Ports, 'documents' | 'store' | 'clock'>,
  id: string,
  needed: (app: Application) => boolean,
  run: (contract: ContractRecord | undefined) => Promise<T>,
): Promise<T> => {
  const current = await ports.store.get(id);
  const contract =
    current && !current.contract && needed(current)
      ? await prepareContract(current, ports, ports.clock.now())
      : undefined;
  let result: T | undefined;
  try {
    result = await run(contract);
    return result;
  } finally {
    if (contract && result?.contract?.key !== contract.key) await ports.documents.delete(contract.key);
  }
};
