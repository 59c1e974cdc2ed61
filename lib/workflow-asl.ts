/**
 * The local state machine is the ASL of the synthesized CDK template, never a hand-written copy (DESIGN §4).
 * `extractAsl()` synthesizes the app without bundling or cdk-nag, takes the state machine's DefinitionString and
 * resolves its intrinsic functions into plain ASL: every Lambda function ARN becomes
 * `arn:aws:lambda:local:000000000000:function:<registry name>` (the FUNCTIONS key the local stack dispatches on),
 * any other reference a placeholder ARN.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { FUNCTION_METADATA_KEY } from './constructs/function.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

/** The ARN the extracted ASL uses for the function registered under `name` in lib/functions.ts. */
export const localFunctionArn = (name: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
};

/** Resolves `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub` and `Fn::ImportValue` against a template's resources. */
export const resolveIntrinsics = (value: unknown, resources: Record<string, TemplateResource>): unknown => {
  const reference = (logicalId: string): string => {
    const pseudo = PSEUDO_PARAMETERS[logicalId];
    if (pseudo) return pseudo;
    const resource = resources[logicalId];
    const registryName = resource?.Metadata?.[FUNCTION_METADATA_KEY];
    if (resource?.Type === 'AWS::Lambda::Function' && typeof registryName === 'string') {
      return localFunctionArn(registryName);
    }
    return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
  };
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && (key === 'Ref' || key?.startsWith('Fn::'))) {
      switch (key) {
        case 'Ref':
          return reference(String(argument));
        case 'Fn::GetAtt': {
          const [logicalId] = argument as [string, string];
          return reference(logicalId);
        }
        case 'Fn::ImportValue':
          return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:import/${String(resolve(argument))}`;
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return parts.map((part) => String(resolve(part))).join(separator);
        }
        case 'Fn::Sub': {
          const [text, variables = {}] = (Array.isArray(argument) ? argument : [argument, {}]) as [
            string,
            Record<string, unknown>,
          ];
          return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) =>
            name in variables ? String(resolve(variables[name])) : reference(name.split('.')[0] ?? name),
          );
        }
        default:
          throw new Error(`Unsupported intrinsic function ${key} in the state machine definition`);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return resolve(value);
};

/** The onboarding state machine's ASL, ready for aws-local-stepfunctions. Takes about a second and no network. */
export const extractAsl = (): Record<string, unknown> => {
  const outdir = mkdtempSync(join(tmpdir(), 'asl-'));
  try {
    const { app, stateless } = buildApp({ bundling: false, nag: false, cfnValidation: false, outdir });
    const template = app.synth().getStackArtifact(stateless.artifactId).template as {
      Resources: Record<string, TemplateResource>;
    };
    const machines = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::StepFunctions::StateMachine',
    );
    if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
    const definition = resolveIntrinsics(machines[0]?.Properties?.DefinitionString, template.Resources);
    if (typeof definition !== 'string') throw new Error('DefinitionString did not resolve to a string');
    return JSON.parse(definition) as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};
