/** Synthesizes the app once per options set (no bundling) and hands out the templates. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildAppOptions, type BuiltApp, buildApp } from '../../lib/app.ts';

export interface Synthesized extends BuiltApp {
  outdir: string;
  stateful: BuiltApp['stateful'];
  stateless: BuiltApp['stateless'];
  edgeTemplate: Template;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

export const synth = (options: BuildAppOptions = {}): Synthesized => {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-test-'));
  const built = buildApp({ bundling: false, nag: false, cfnValidation: false, outdir, ...options });
  const assembly = built.app.synth();
  return {
    ...built,
    outdir,
    edgeTemplate: Template.fromJSON(assembly.getStackArtifact(built.edge.artifactId).template),
    statefulTemplate: Template.fromJSON(assembly.getStackArtifact(built.stateful.artifactId).template),
    statelessTemplate: Template.fromJSON(assembly.getStackArtifact(built.stateless.artifactId).template),
  };
};

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

/** A piece of a synthesized template: untyped JSON, read by the tests with plain property access. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON.
export type Cfn = any;

/** Resources of a type, by logical id. */
export const resourcesOf = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

/** The logical id of the only resource of `type` whose properties contain `match` (as JSON text). */
export const logicalIdOf = (
  template: Template,
  type: string,
  match: (props: Record<string, unknown>) => boolean,
): string => {
  const ids = Object.entries(resourcesOf(template, type))
    .filter(([, r]) => match(r.Properties))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`Expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
};
