/**
 * The SES identity the system sends from (CLOUD_CONFIG.mailFrom) and the addresses every mailing function gets.
 * The identity is the sender's domain, so DKIM covers every address on it; the DKIM records are printed as stack
 * outputs for the operator to publish (no Route 53 lookups: the app stays environment-agnostic).
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  mailFrom: string;
  staffEmail: string;
}

export class Mail extends Construct {
  readonly identity: EmailIdentity;
  /** The identity `ses:SendEmail` is granted on. */
  readonly identityArn: string;
  readonly mailFrom: string;
  readonly staffEmail: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const domain = props.mailFrom.split('@')[1];
    if (!domain) throw new Error(`mailFrom must be an email address, got "${props.mailFrom}"`);
    this.identity = new EmailIdentity(this, 'Identity', { identity: Identity.domain(domain) });
    this.identityArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: domain,
    });
    this.mailFrom = props.mailFrom;
    this.staffEmail = props.staffEmail;
    const records = [
      [this.identity.dkimDnsTokenName1, this.identity.dkimDnsTokenValue1],
      [this.identity.dkimDnsTokenName2, this.identity.dkimDnsTokenValue2],
      [this.identity.dkimDnsTokenName3, this.identity.dkimDnsTokenValue3],
    ];
    for (const [i, [name, value]] of records.entries()) {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `CNAME to publish for ${domain} (DKIM)`,
        value: `${name} CNAME ${value}`,
      });
    }
  }
}
