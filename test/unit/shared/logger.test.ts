/** Logs carry an error's name and code, never its message: AWS messages can quote an email address. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorSummary, logger } from '../../../lambdas/shared/logger.ts';
import { deliverOutbox, outboxEntry } from '../../../lambdas/use-cases/support.ts';
import { memoryPorts } from '../use-cases/memory-ports.ts';

/** What SES v2 throws for an unverified recipient in the sandbox. */
const sesRefusal = () =>
  Object.assign(
    new Error(
      'Email address is not verified. The following identities failed the check in region EU-WEST-2: jo.bloggs@gmail.com',
    ),
    { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } },
  );

afterEach(() => {
  vi.restoreAllMocks();
});

describe('errorSummary', () => {
  it('keeps the name, the code and the HTTP status, and drops the message and the stack', () => {
    expect(errorSummary(sesRefusal())).toEqual({ name: 'MessageRejected', httpStatus: 400 });
    expect(
      errorSummary(Object.assign(new Error('x@y.z'), { name: 'ServiceException', Code: 'Throttling' })),
    ).toEqual({
      name: 'ServiceException',
      code: 'Throttling',
    });
    expect(errorSummary('jo@gmail.com')).toEqual({ name: 'string' });
  });

  it('is what a failed outbox delivery logs: no address reaches the log', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(async () => undefined);
    const m = memoryPorts();
    m.ports.mailer.send = async () => {
      throw sesRefusal();
    };
    const email = { to: 'jo.bloggs@gmail.com', subject: 's', text: 't', html: 'h' };
    const app = { id: '01J', outbox: [outboxEntry({ kind: 'email', email })] } as never;
    const result = await deliverOutbox(m.ports, app);
    expect(result.failed).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).toContain('MessageRejected');
    expect(logged).not.toContain('jo.bloggs');
    expect(logged).not.toContain('@');
  });
});
