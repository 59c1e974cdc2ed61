import { describe, expect, it } from 'vitest';
import { mailboxOf } from '../../../lambdas/domain/mailbox.ts';
import { MAILBOX_RULES } from '../../../lib/config.ts';

const rules = { plusTagDomains: ['gmail.com', 'outlook.com'] };

describe('mailboxOf', () => {
  it.each([
    ['Jo.Bloggs@Gmail.com', 'jo.bloggs@gmail.com'],
    ['  jo@gmail.com ', 'jo@gmail.com'],
    ['jo+1@gmail.com', 'jo@gmail.com'],
    ['jo+a+b@outlook.com', 'jo@outlook.com'],
    ['JO+Tag@OUTLOOK.COM', 'jo@outlook.com'],
  ])('%s is the inbox %s', (email, mailbox) => {
    expect(mailboxOf(email, rules)).toBe(mailbox);
  });

  it.each([
    ['jo+1@provider.example', 'jo+1@provider.example'],
    ['+1@gmail.com', '+1@gmail.com'],
    ['jo+1@sub.gmail.com', 'jo+1@sub.gmail.com'],
  ])('%s keeps its tag: %s', (email, mailbox) => {
    expect(mailboxOf(email, rules)).toBe(mailbox);
  });

  it('drops tags only at the providers lib/config.ts lists', () => {
    expect(mailboxOf('sam+x@gmail.com', MAILBOX_RULES)).toBe('sam@gmail.com');
    expect(mailboxOf('sam+x@gmail.com', { plusTagDomains: [] })).toBe('sam+x@gmail.com');
  });
});
