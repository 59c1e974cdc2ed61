/**
 * The SES identity the system sends from (config `mailFrom`) and the configuration set every email goes through.
 * Both live in the stateful stack with RETAIN: the identity's DKIM records are published once in DNS, and
 * deleting the stateless stack must not un-verify the domain.
 *  - The identity is the sender's domain, so DKIM covers every address on it; the DKIM records are printed as
 *    stack outputs for the operator to publish (no Route 53 lookups: the app stays environment-agnostic).
 *  - The configuration set is the identity's default, so every send uses it with no code naming it: reputation
 *    metrics on, TLS required, bounced and complained addresses suppressed, and bounce and complaint events sent
 *    to the default EventBridge bus, where the stateless stack's rule hands them to the email-feedback function
 *    (the application's address is marked undeliverable and staff are told).
 */
import { CfnOutput, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  /** Stack name prefix: names the configuration set. */
  name: string;
  mailFrom: string;
}

export class Mail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetName: string;
  /** The domain of `mailFrom`: the identity's name. */
  readonly domain: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const domain = props.mailFrom.split('@')[1];
    if (!domain) throw new Error(`mailFrom must be an email address, got "${props.mailFrom}"`);
    this.domain = domain;
    this.configurationSetName = `${props.name}-mail`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: this.configurationSetName,
      reputationMetrics: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('Feedback', {
      configurationSetEventDestinationName: 'bounces-and-complaints',
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(domain),
      configurationSet: this.configurationSet,
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.configurationSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
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

  /** The ARNs `ses:SendEmail` is checked against: the identity and the configuration set it sends through. */
  static sendingArns(stack: Stack, domain: string, configurationSetName: string): string[] {
    return [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
      stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }),
    ];
  }
}
