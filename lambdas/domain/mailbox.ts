/**
 * The inbox an email address delivers to, as far as the one-open-application-per-address rule is concerned
 * (DESIGN §5). Pure: the list of providers that ignore `+tag` is configuration (lib/config.ts MAILBOX_RULES),
 * passed in.
 */
export interface MailboxRules {
  /** Domains where `name+anything@domain` is delivered to `name@domain`. */
  plusTagDomains: readonly string[];
}

/**
 * `Jo.Bloggs+2@Gmail.com ` → `jo.bloggs@gmail.com`: trimmed and lower-cased (no provider in practice treats case
 * as a different inbox), and the `+tag` dropped where the domain is one of the rules' providers. An address
 * whose local part starts with `+` keeps it: there is no name before the tag.
 */
export const mailboxOf = (email: string, rules: MailboxRules): string => {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 1) return address;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus < 1 || !rules.plusTagDomains.includes(domain)) return address;
  return `${local.slice(0, plus)}@${domain}`;
};
