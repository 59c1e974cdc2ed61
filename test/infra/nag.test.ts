/**
 * cdk-nag AwsSolutions and HIPAA.Security run on every synth (lib/app.ts registers them as validation plugins).
 * Here: the app synthesizes with zero unacknowledged errors, and every acknowledgement is specific: it names a
 * finding that really occurs on that construct, with a reason that says why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './synth.ts';

interface Violation {
  ruleName: string;
  severity: string;
  violatingResources: { constructPath: string }[];
}
interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

let app: App;
let outdir: string;
let synthError: unknown;
const acknowledgements: Acknowledgement[] = [];

const run = (pack: NagPack, honourAcknowledgements: boolean): Violation[] => {
  if (!honourAcknowledgements) Object.assign(pack, { isAcknowledged: () => false });
  return pack.validateScope(app).violations as unknown as Violation[];
};
const packs = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks()];

beforeAll(() => {
  try {
    const built = synth({ nag: true, cfnValidation: true });
    app = built.app;
    outdir = built.outdir;
  } catch (error) {
    synthError = error;
    throw error;
  }
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [qualifiedId, reason] of Object.entries(entry.data as Record<string, string>)) {
        const id = qualifiedId.replace(/^[\w.-]+::/, '');
        // Only the packs' rules: aws-cdk-lib acknowledges some of its own CloudFormation-lint findings.
        if (!/^(AwsSolutions|HIPAA\.Security)-/.test(id)) continue;
        acknowledgements.push({ path: construct.node.path, id, reason });
      }
    }
    for (const child of construct.node.children) visit(child);
  };
  visit(app);
});

describe('cdk-nag', () => {
  it('synthesizes with the packs registered and no unacknowledged error in the validation report', () => {
    expect(synthError).toBeUndefined();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: Violation[] }[];
    };
    const errors = report.pluginReports.flatMap((r) =>
      r.violations
        .filter((v) => v.severity === 'error' || v.severity === 'fatal')
        .map((v) => `${r.pluginName}: ${v.ruleName}`),
    );
    expect(errors).toEqual([]);
  });

  it.each(['AwsSolutions', 'HIPAA.Security'])('%s finds nothing unacknowledged in either stack', (pack) => {
    const checker = pack === 'AwsSolutions' ? new AwsSolutionsChecks() : new HIPAASecurityChecks();
    const open = run(checker, true).filter((v) => v.severity === 'error');
    expect(
      open.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });

  it('really checks the app: without acknowledgements the packs report findings', () => {
    const raw = packs().flatMap((pack) => run(pack, false));
    expect(raw.length).toBeGreaterThan(10);
  });

  it('acknowledges only findings that occur on the acknowledged construct or below it', () => {
    const raw = packs().flatMap((pack) => run(pack, false));
    const stale = acknowledgements.filter(
      (ack) =>
        !raw.some(
          (v) =>
            v.ruleName === ack.id &&
            v.violatingResources.some(
              (r) => r.constructPath === ack.path || r.constructPath.startsWith(`${ack.path}/`),
            ),
        ),
    );
    expect(stale.map((a) => `${a.id} @ ${a.path}`)).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    const generic =
      /^(n\/?a|none|ok|todo|tbd|fine|ignore|ignored|suppressed|acknowledged|not needed|not required|false positive|accepted|by design|known)\.?$/i;
    for (const ack of acknowledgements) {
      expect(ack.reason.length, `${ack.id} @ ${ack.path}`).toBeGreaterThanOrEqual(20);
      expect(ack.reason.trim(), `${ack.id} @ ${ack.path}`).not.toMatch(generic);
      // A reason is about the resource, not about the rule: it must not merely restate the rule id.
      expect(ack.reason, `${ack.id} @ ${ack.path}`).not.toContain(ack.id);
    }
  });

  it('never acknowledges a wildcard finding wholesale: each IAM5 acknowledgement names its action or resource', () => {
    const bare = acknowledgements.filter((a) => a.id === 'AwsSolutions-IAM5' || a.id === 'AwsSolutions-IAM4');
    expect(bare).toEqual([]);
  });
});
