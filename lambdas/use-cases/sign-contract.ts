/**
 * Sign the contract (POST /applications/{id}/contract/signature).
 *  1. Only in contract-sent, once (a second signature is 409).
 *  2. The typed name must match the application (case and spacing ignored) and the hash must be the contract's
 *     (422 otherwise, saying what would pass).
 *  3. The evidence (name, time, IP, user agent, hash) is stored with a signed copy: the PDF plus a signature page.
 *  4. → induction-invited; the invitation (account link, booking link) to the applicant, a note to staff.
 */
import { createHash } from 'node:crypto';
import { appendSignaturePage } from '../contracts/contract-pdf.ts';
import type { Application } from '../domain/application.ts';
import { RuleViolation } from '../domain/errors.ts';
import { stageInSentence } from '../domain/labels.ts';
import { inductionInvitation, type Links, staffContractSigned } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { Conflict } from '../shared/errors.ts';
import { act, type Caller } from './applicant-actions.ts';
import { findOwnApplication } from './get-application.ts';
import { completeStep, enterStage, event, outboxEntry, withoutUndefined } from './support.ts';

const normaliseName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

export const signContract = async (
  caller: Caller,
  input: { fullName: string; contractSha256: string },
  request: { ip: string; userAgent: string },
  ports: Ports,
  links: Links,
): Promise<Application> => {
  const app = await findOwnApplication(ports, caller.applicationId, caller.accessToken);
  if (app.contract?.signature) throw new Conflict('This contract is already signed');
  if (app.stage !== 'contract-sent' || !app.contract) {
    throw new Conflict(`There is no contract to sign now; this application is ${stageInSentence(app.stage)}`);
  }
  const contract = app.contract;
  const expectedName = `${app.applicant.firstName} ${app.applicant.lastName}`;
  const violations = [
    ...(normaliseName(input.fullName) === normaliseName(expectedName)
      ? []
      : [
          {
            path: 'fullName',
            message: 'Type your full name exactly as on your application: first name, then last name',
          },
        ]),
    ...(input.contractSha256 === contract.sha256
      ? []
      : [
          {
            path: 'contractSha256',
            message: 'This is not the contract we sent you: reload the page to see the current one',
          },
        ]),
  ];
  if (violations.length > 0) throw new RuleViolation(violations);

  const original = await ports.documents.get(contract.key);
  if (!original) throw new Error(`contract object missing for ${app.id}`);
  const at = ports.clock.now().toISOString();
  const evidence = {
    fullName: input.fullName.trim(),
    at,
    ip: request.ip,
    userAgent: request.userAgent,
    contractSha256: contract.sha256,
  };
  const signed = await appendSignaturePage(original, { ...evidence, version: contract.version });
  const signedKey = contract.key.replace(/\.pdf$/, '-signed.pdf');
  await ports.documents.put(signedKey, signed, 'application/pdf');
  const signedSha256 = createHash('sha256').update(signed).digest('hex');

  return act(ports, caller, (current, now) => {
    if (current.contract?.signature) throw new Conflict('This contract is already signed');
    if (current.stage !== 'contract-sent' || current.contract?.key !== contract.key) {
      throw new Conflict(
        `There is no contract to sign now; this application is ${stageInSentence(current.stage)}`,
      );
    }
    const stage = enterStage(current, 'induction-invited', now);
    const next: Application = withoutUndefined({
      ...current,
      ...stage.fields,
      ...completeStep(current, 'contract', {}),
      contract: { ...contract, signature: { ...evidence, signedKey, signedSha256 } },
    });
    next.outbox = [
      ...next.outbox,
      outboxEntry({ kind: 'email', email: inductionInvitation(next, links) }),
      outboxEntry({ kind: 'email', email: staffContractSigned(next, links) }),
    ];
    return {
      next,
      events: [
        event(current.id, now, 'contract-signed', { version: contract.version }, 'applicant'),
        stage.event,
      ],
    };
  });
};
