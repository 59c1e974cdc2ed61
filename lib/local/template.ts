/**
 * What the local cloud knows about each function comes from the synthesized CDK template (issue 8), never from a
 * hand-written copy: its environment variables, timeout, memory and the identity policies of its role.
 *
 * `localTemplate()` synthesizes the app for the local stage (LOCAL_CONFIG, no asset bundling, no cdk-nag) into a
 * cache folder and reuses it while nothing it depends on has changed: the cache is keyed by a hash of every file
 * under lib/ (but lib/local/), lambdas/, package-lock.json and cdk.json, so a fresh template costs a hash of those
 * files (~20 ms) and a stale one a synth (~2 s). `LOCAL_TEMPLATE_CACHE` moves the cache folder.
 *
 * Intrinsic functions are resolved to the LOCAL names of lib/local/stack.ts: the table (`affiliate-onboarding`),
 * the documents bucket, the state machine (`...:stateMachine:onboarding`), with account 000000000000 and region
 * eu-west-2; a cross-stack `Fn::ImportValue` is followed to the exporting stack's output, and a template parameter read
 * from SSM (`AWS::SSM::Parameter::Value<String>`) to the value of the AWS::SSM::Parameter that another stack of the
 * app writes under that name (the site URL: the stand-in, then `siteUrl`). Anything it cannot resolve
 * (an attribute or resource type it does not know) throws an error naming the reference and where it was found.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LOCAL_CONFIG, type StageConfig } from '../config.ts';
import { FUNCTION_METADATA_KEY, FUNCTIONS, type FunctionName } from '../functions.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './credentials.ts';

/** Local physical names: the same as lib/local/stack.ts (which imports them from here). */
export const LOCAL_NAMES = {
  table: 'affiliate-onboarding',
  bucket: 'affiliate-onboarding-documents',
  stateMachine: 'onboarding',
  /** The one customer-managed key; no local service encrypts with it (README: KMS is not enforced). */
  keyId: '00000000-0000-4000-8000-000000000001',
} as const;

export const localArns = {
  table: (name: string = LOCAL_NAMES.table) =>
    `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`,
  index: (index: string, table: string = LOCAL_NAMES.table) => `${localArns.table(table)}/index/${index}`,
  /** Any stream of the table: the local stream poller, not the function, reads it (lib/local/streams.ts). */
  stream: (table: string = LOCAL_NAMES.table) => `${localArns.table(table)}/stream/*`,
  eventBus: (name: string) => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`,
  bucket: (name: string = LOCAL_NAMES.bucket) => `arn:aws:s3:::${name}`,
  object: (key: string, bucket: string = LOCAL_NAMES.bucket) => `arn:aws:s3:::${bucket}/${key}`,
  stateMachine: (name: string = LOCAL_NAMES.stateMachine) =>
    `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`,
  execution: (executionName: string, machine: string = LOCAL_NAMES.stateMachine) =>
    `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machine}:${executionName}`,
  identity: (identity: string) => `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${identity}`,
  configurationSet: (name: string) =>
    `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:configuration-set/${name}`,
  key: (keyId: string = LOCAL_NAMES.keyId) => `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/${keyId}`,
};

/**
 * The site's origin is only known once the local site listens (its port), so the template is synthesized with
 * this stand-in and `localTemplate({siteUrl})` puts the real one in every environment value that carries it.
 */
const SITE_ORIGIN_STANDIN = 'http://local-site.invalid';

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Sid?: string;
}
export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export interface LocalFunction {
  name: FunctionName;
  /** The function's environment variables as its template sets them, resolved to local names. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The identity policies of the function's role, every ARN resolved to local ARNs. */
  policies: { name: string; policy: PolicyDocument }[];
}

export interface LocalTemplate {
  functions: Record<FunctionName, LocalFunction>;
  /** The SES identities the template verifies (domains or addresses), e.g. `affiliates.local`. */
  identities: string[];
  /** Each identity's default configuration set, by identity (SES applies it to every email the identity sends). */
  configurationSets: Record<string, string>;
  keyArn: string;
  /** Where the synthesized templates are (cdk.out of the local stage). */
  assemblyDir: string;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
interface CfnTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

// ---------------------------------------------------------------------------------------------------------------
// Synthesis and the cache
// ---------------------------------------------------------------------------------------------------------------

const listFiles = (dir: string, skip: (path: string) => boolean): string[] => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !skip(path))
    .sort();
};

/** A hash of everything the synthesized templates depend on (lib/local/ excluded: it is not part of the app). */
export const templateInputsHash = (root = PROJECT_ROOT): string => {
  const hash = createHash('sha256');
  const localDir = join(root, 'lib', 'local');
  const files = [
    ...listFiles(join(root, 'lib'), (path) => path.startsWith(localDir)),
    ...listFiles(join(root, 'lambdas'), () => false),
    join(root, 'package-lock.json'),
    join(root, 'cdk.json'),
  ];
  for (const file of files) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

const defaultCacheDir = () =>
  process.env.LOCAL_TEMPLATE_CACHE ?? join(PROJECT_ROOT, 'node_modules', '.cache', 'local-cdk-out');

const LOCAL_STAGE: StageConfig = { ...LOCAL_CONFIG, siteOrigin: SITE_ORIGIN_STANDIN };

interface Assembly {
  dir: string;
  stateful: CfnTemplate;
  stateless: CfnTemplate;
}

/** Synthesizes the local stage into `<cacheDir>/<hash>/`, or reuses it when that folder is complete. */
export const synthesizeLocal = async ({
  cacheDir = defaultCacheDir(),
  force = false,
}: {
  cacheDir?: string;
  force?: boolean;
} = {}): Promise<Assembly> => {
  const dir = join(cacheDir, templateInputsHash());
  const stamp = join(dir, 'templates.json');
  if (!force && existsSync(stamp)) {
    const { stateful, stateless } = JSON.parse(readFileSync(stamp, 'utf8')) as Omit<Assembly, 'dir'>;
    return { dir, stateful, stateless };
  }
  // Loaded only on a cache miss: aws-cdk-lib takes about a second to import.
  const { buildApp } = await import('../app.ts');
  mkdirSync(cacheDir, { recursive: true });
  const building = `${dir}.${process.pid}.${Date.now()}`;
  const { app, stateful, stateless } = buildApp({
    config: LOCAL_STAGE,
    bundling: false,
    nag: false,
    cfnValidation: false,
    outdir: building,
  });
  const assembly = app.synth();
  const templates = {
    stateful: assembly.getStackArtifact(stateful.artifactId).template as CfnTemplate,
    stateless: assembly.getStackArtifact(stateless.artifactId).template as CfnTemplate,
  };
  // Written last, then the folder moved into place: a reader sees either no stamp or a complete assembly.
  writeFileSync(join(building, 'templates.json'), JSON.stringify(templates));
  try {
    if (force) rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
  } catch {
    // Another process finished the same synth first: theirs is identical.
    rmSync(building, { recursive: true, force: true });
  }
  return { dir, ...templates };
};

// ---------------------------------------------------------------------------------------------------------------
// Resolving intrinsic functions to local names
// ---------------------------------------------------------------------------------------------------------------

export class UnresolvableReference extends Error {}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

interface Stacks {
  /** Every template, by a name used in error messages. */
  templates: Record<string, CfnTemplate>;
}

const outputRef = (template: CfnTemplate, output: string): string | undefined => {
  const value = template.Outputs?.[output]?.Value as { Ref?: string } | undefined;
  return value?.Ref;
};

/**
 * A resolver over a set of templates. Local names for the resources the local stack emulates; ARNs of the right
 * shape for the others a role may name (log groups, queues, roles, functions), so policies resolve completely.
 */
export const createResolver = ({ templates }: Stacks) => {
  const stateful = Object.values(templates).find((t) => outputRef(t, 'TableName'));
  const tableId = stateful && outputRef(stateful, 'TableName');
  const bucketId = stateful && outputRef(stateful, 'DocumentsBucketName');
  const machines = Object.values(templates).flatMap((t) =>
    Object.values(t.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine'),
  );
  const templateMachineNames = machines
    .map((m) => m.Properties?.StateMachineName)
    .filter((name): name is string => typeof name === 'string');

  // The SSM parameters the app's stacks write, by name: a stack that reads one at deployment gets its value.
  const ssmParameters = new Map<string, { template: CfnTemplate; value: unknown }>();
  for (const template of Object.values(templates)) {
    for (const resource of Object.values(template.Resources)) {
      const name = resource.Properties?.Name;
      if (resource.Type === 'AWS::SSM::Parameter' && typeof name === 'string')
        ssmParameters.set(name, { template, value: resource.Properties?.Value });
    }
  }

  const exports = new Map<string, { template: CfnTemplate; value: unknown }>();
  for (const template of Object.values(templates)) {
    for (const output of Object.values(template.Outputs ?? {})) {
      if (typeof output.Export?.Name === 'string')
        exports.set(output.Export.Name, { template, value: output.Value });
    }
  }

  /** Renames the template's state machine (`Local-onboarding`) in a resolved string to the local one. */
  const renameMachines = (text: string): string => {
    let result = text;
    for (const name of templateMachineNames) {
      result = result
        .replaceAll(`:stateMachine:${name}`, `:stateMachine:${LOCAL_NAMES.stateMachine}`)
        .replaceAll(`:execution:${name}:`, `:execution:${LOCAL_NAMES.stateMachine}:`);
    }
    return result;
  };

  const fail = (what: string, where: string, why: string): never => {
    throw new UnresolvableReference(`Cannot resolve ${what} in ${where} to a local value: ${why}`);
  };

  const attribute = (
    template: CfnTemplate,
    logicalId: string,
    attr: 'Ref' | string,
    where: string,
  ): string => {
    const pseudo = PSEUDO_PARAMETERS[logicalId];
    if (attr === 'Ref' && pseudo) return pseudo;
    const what = attr === 'Ref' ? `{"Ref":"${logicalId}"}` : `{"Fn::GetAtt":["${logicalId}","${attr}"]}`;
    const parameter = template.Parameters?.[logicalId];
    if (attr === 'Ref' && parameter) {
      const name = parameter.Default;
      if (parameter.Type !== 'AWS::SSM::Parameter::Value<String>' || typeof name !== 'string')
        return fail(what, where, `the template parameter is a ${parameter.Type}, not one read from SSM`);
      const written = ssmParameters.get(name);
      if (!written) return fail(what, where, `no stack of the app writes the SSM parameter ${name}`);
      const value = resolveIn(written.template, written.value, `${where} (SSM parameter ${name})`);
      if (typeof value !== 'string') return fail(what, where, `SSM parameter ${name} is not a string`);
      return value;
    }
    const resource = template.Resources[logicalId];
    if (!resource) return fail(what, where, 'no such resource in the template');
    const props = resource.Properties ?? {};
    const fnName = resource.Metadata?.[FUNCTION_METADATA_KEY];
    const byType: Record<string, Record<string, () => string>> = {
      'AWS::DynamoDB::Table':
        logicalId === tableId
          ? {
              Ref: () => LOCAL_NAMES.table,
              Arn: () => localArns.table(),
              StreamArn: () => localArns.stream(),
            }
          : {},
      'AWS::Events::EventBus': {
        Ref: () => String(props.Name),
        Name: () => String(props.Name),
        Arn: () => localArns.eventBus(String(props.Name)),
      },
      'AWS::S3::Bucket':
        logicalId === bucketId ? { Ref: () => LOCAL_NAMES.bucket, Arn: () => localArns.bucket() } : {},
      'AWS::StepFunctions::StateMachine': {
        Ref: () => localArns.stateMachine(),
        Arn: () => localArns.stateMachine(),
        Name: () => LOCAL_NAMES.stateMachine,
      },
      'AWS::KMS::Key': {
        Ref: () => LOCAL_NAMES.keyId,
        KeyId: () => LOCAL_NAMES.keyId,
        Arn: () => localArns.key(),
      },
      'AWS::SES::EmailIdentity': { Ref: () => String(props.EmailIdentity) },
      'AWS::SES::ConfigurationSet': { Ref: () => String(props.Name) },
      'AWS::SQS::Queue': {
        Arn: () => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`,
        QueueName: () => logicalId,
        Ref: () => `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${logicalId}`,
      },
      'AWS::Logs::LogGroup': {
        Ref: () => String(props.LogGroupName ?? `/local/${logicalId}`),
        Arn: () =>
          `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:log-group:${String(props.LogGroupName ?? `/local/${logicalId}`)}:*`,
      },
      'AWS::IAM::Role': {
        Ref: () => logicalId,
        Arn: () => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`,
      },
      'AWS::Lambda::Function':
        typeof fnName === 'string'
          ? {
              Ref: () => fnName,
              Arn: () => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${fnName}`,
            }
          : {},
    };
    const get = byType[resource.Type]?.[attr];
    if (!get) {
      return fail(
        what,
        where,
        `the local stack has no ${attr === 'Ref' ? 'name' : `${attr} attribute`} for ${resource.Type} ${logicalId}`,
      );
    }
    return get();
  };

  const resolveIn = (template: CfnTemplate, node: unknown, where: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => resolveIn(template, item, where));
    if (typeof node === 'string') return renameMachines(node);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    const [key, argument] = entries[0] ?? [];
    if (entries.length !== 1 || !(key === 'Ref' || key?.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([k, v]) => [k, resolveIn(template, v, where)]));
    }
    const text = (value: unknown) => {
      const resolved = resolveIn(template, value, where);
      if (typeof resolved !== 'string')
        return fail(JSON.stringify(value), where, 'it does not resolve to a string');
      return resolved;
    };
    switch (key) {
      case 'Ref':
        return renameMachines(attribute(template, String(argument), 'Ref', where));
      case 'Fn::GetAtt': {
        const [logicalId, attr] = (
          typeof argument === 'string' ? argument.split('.') : (argument as string[])
        ) as [string, string];
        return renameMachines(attribute(template, logicalId, attr, where));
      }
      case 'Fn::ImportValue': {
        const name = text(argument);
        const exported = exports.get(name);
        if (!exported) return fail(`{"Fn::ImportValue":"${name}"}`, where, 'no stack exports it');
        return resolveIn(exported.template, exported.value, `${where} (export ${name})`);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return renameMachines((resolveIn(template, parts, where) as unknown[]).map(String).join(separator));
      }
      case 'Fn::Sub': {
        const [body, variables = {}] = (Array.isArray(argument) ? argument : [argument, {}]) as [
          string,
          Record<string, unknown>,
        ];
        return renameMachines(
          body.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
            if (name in variables) return text(variables[name]);
            const [logicalId = name, attr] = name.split('.');
            return attr
              ? attribute(template, logicalId, attr, where)
              : attribute(template, name, 'Ref', where);
          }),
        );
      }
      case 'Fn::Select': {
        const [index, list] = argument as [number, unknown];
        const items = resolveIn(template, list, where) as unknown[];
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, value] = argument as [string, unknown];
        return text(value).split(separator);
      }
      default:
        return fail(JSON.stringify(node).slice(0, 200), where, `${key} is not supported`);
    }
  };

  return {
    /** Resolves `value` found in `templateName`; `where` names the place for error messages. */
    resolve: (templateName: string, value: unknown, where: string): unknown => {
      const template = templates[templateName];
      if (!template) throw new Error(`No template named ${templateName}`);
      return resolveIn(template, value, `${templateName}: ${where}`);
    },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// The functions
// ---------------------------------------------------------------------------------------------------------------

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The functions, identities and key of a pair of synthesized templates, resolved to local names. */
export const readLocalTemplate = (
  templates: Record<string, CfnTemplate>,
  { siteUrl }: { siteUrl?: string } = {},
): Omit<LocalTemplate, 'assemblyDir'> => {
  const resolver = createResolver({ templates });
  const functions = new Map<FunctionName, LocalFunction>();
  const identities: string[] = [];
  const configurationSets: Record<string, string> = {};
  let keyArn: string | undefined;

  for (const [templateName, template] of Object.entries(templates)) {
    const resources = Object.entries(template.Resources);
    for (const [logicalId, resource] of resources) {
      if (resource.Type === 'AWS::SES::EmailIdentity') {
        const identity = String(resource.Properties?.EmailIdentity);
        identities.push(identity);
        const attributes = resource.Properties?.ConfigurationSetAttributes as
          | { ConfigurationSetName?: unknown }
          | undefined;
        if (attributes?.ConfigurationSetName !== undefined) {
          configurationSets[identity] = String(
            resolver.resolve(
              templateName,
              attributes.ConfigurationSetName,
              `identity ${identity} (${logicalId}) configuration set`,
            ),
          );
        }
      }
      if (resource.Type === 'AWS::KMS::Key') keyArn = localArns.key();
    }
    for (const [logicalId, resource] of resources) {
      const name = resource.Metadata?.[FUNCTION_METADATA_KEY];
      if (resource.Type !== 'AWS::Lambda::Function' || typeof name !== 'string') continue;
      if (!(name in FUNCTIONS)) throw new Error(`${logicalId} names ${name}, which lib/functions.ts lacks`);
      const props = resource.Properties ?? {};
      const where = `function ${name} (${logicalId})`;
      const variables =
        (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const environment = Object.fromEntries(
        Object.entries(variables).map(([variable, value]) => {
          const resolved = resolver.resolve(templateName, value, `${where} environment ${variable}`);
          if (typeof resolved !== 'string')
            throw new UnresolvableReference(`${where}: ${variable} does not resolve to a string`);
          return [variable, siteUrl ? resolved.replaceAll(SITE_ORIGIN_STANDIN, siteUrl) : resolved];
        }),
      );

      const role = props.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const roleId = role?.['Fn::GetAtt']?.[0];
      const roleResource = roleId ? template.Resources[roleId] : undefined;
      if (!roleId || roleResource?.Type !== 'AWS::IAM::Role')
        throw new UnresolvableReference(`${where}: its Role is not an AWS::IAM::Role of the same template`);
      if (asList(roleResource.Properties?.ManagedPolicyArns as unknown[]).length > 0) {
        throw new UnresolvableReference(
          `${where}: its role has managed policies, whose documents the template does not hold`,
        );
      }
      const policies: LocalFunction['policies'] = [];
      for (const inline of asList(
        roleResource.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[],
      )) {
        policies.push({
          name: inline.PolicyName,
          policy: resolver.resolve(
            templateName,
            inline.PolicyDocument,
            `${where} role policy`,
          ) as PolicyDocument,
        });
      }
      for (const [policyId, policy] of resources) {
        if (policy.Type !== 'AWS::IAM::Policy' && policy.Type !== 'AWS::IAM::ManagedPolicy') continue;
        const roles = asList(policy.Properties?.Roles as unknown[]);
        if (!roles.some((r) => (r as { Ref?: string }).Ref === roleId)) continue;
        policies.push({
          name: policyId,
          policy: resolver.resolve(
            templateName,
            policy.Properties?.PolicyDocument,
            `${where} policy ${policyId}`,
          ) as PolicyDocument,
        });
      }
      functions.set(name as FunctionName, {
        name: name as FunctionName,
        environment,
        timeoutSeconds: Number(props.Timeout ?? 3),
        memoryMb: Number(props.MemorySize ?? 128),
        policies,
      });
    }
  }
  const missing = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) => !functions.has(name));
  if (missing.length) throw new Error(`The template has no function for ${missing.join(', ')}`);
  if (!keyArn) throw new Error('The template has no KMS key');
  return {
    functions: Object.fromEntries(functions) as Record<FunctionName, LocalFunction>,
    identities,
    configurationSets,
    keyArn,
  };
};

/**
 * The local stage's template, read into what the local cloud needs (synthesizing it first unless a fresh one is
 * cached). `siteUrl` is the local site's origin, which lands in SITE_URL.
 */
export const localTemplate = async ({
  siteUrl,
  cacheDir,
}: {
  siteUrl?: string;
  cacheDir?: string;
} = {}): Promise<LocalTemplate> => {
  const assembly = await synthesizeLocal(cacheDir ? { cacheDir } : {});
  return {
    ...readLocalTemplate(
      { Stateful: assembly.stateful, Stateless: assembly.stateless },
      siteUrl ? { siteUrl } : {},
    ),
    assemblyDir: assembly.dir,
  };
};
