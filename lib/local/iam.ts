/**
 * IAM for the local cloud (issue 8): which IAM actions and resources an emulator request stands for, and whether a
 * function's synthesized role allows them, evaluated by a maintained policy engine (@cloud-copilot/iam-simulate),
 * never a hand-written matcher. lib/local/gateway.ts puts this in front of the emulators.
 *
 * The mapping follows the Service Authorization Reference:
 *  - DynamoDB: the operation is the action, on the table (or `table/<t>/index/<i>` for a Query or Scan of an index);
 *    BatchGetItem / BatchWriteItem on every table they name; a transaction is authorised by its parts (PutItem,
 *    UpdateItem, DeleteItem, ConditionCheckItem, GetItem), each on its table: there is no TransactWriteItems action.
 *  - S3: GetObject (HeadObject too) / PutObject (a copy also needs GetObject on the source; multipart uploads are
 *    PutObject) / DeleteObject, and their *Version forms when a versionId is given, on the object; ListBucket
 *    (HeadBucket too) / ListBucketVersions / ListBucketMultipartUploads on the bucket; DeleteObjects is DeleteObject
 *    (or DeleteObjectVersion) on every key it names; a browser form upload is PutObject on its `key` field.
 *  - SES v2: SendEmail on the identity the sender address belongs to (the address itself if it is an identity of the
 *    template, else its domain), and on the configuration set it names or, failing that, the identity's default
 *    one; with the condition key `ses:FromAddress` (the bare sender address).
 *  - Step Functions: the operation is the action, on the state machine (StartExecution, ListExecutions,
 *    DescribeStateMachine), the execution (DescribeExecution, StopExecution, GetExecutionHistory), or `*` for
 *    SendTask* (the token is the capability).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { FunctionName } from '../functions.ts';
import { LOCAL_ACCOUNT } from './credentials.ts';
import { localArns, type PolicyDocument } from './template.ts';

export type GatewayService = 'dynamodb' | 's3' | 'ses' | 'sfn' | 'events';

/** One IAM authorisation a request needs. */
export interface IamCall {
  action: string;
  resource: string;
  /** Condition keys of the request (e.g. `ses:FromAddress`), as the service sets them. */
  context?: Record<string, string>;
}

/** What a request to an emulator asks for: its API operation and every IAM authorisation it needs. */
export interface MappedRequest {
  service: GatewayService;
  /** The API operation (`BatchWriteItem`, `GetObject`, `SendEmail`, `StartExecution`). */
  operation: string;
  calls: IamCall[];
}

/** A request the mapping does not know: the gateway answers 501 rather than let it through unchecked. */
export class UnmappedRequest extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB
// ---------------------------------------------------------------------------------------------------------------

const TRANSACT_PARTS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

const unique = (calls: IamCall[]): IamCall[] => {
  const seen = new Set<string>();
  return calls.filter((call) => {
    const key = `${call.action} ${call.resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** A DynamoDB JSON request (`X-Amz-Target: DynamoDB_20120810.<Operation>`). */
export const mapDynamoDb = (target: string, body: Record<string, unknown>): MappedRequest => {
  const operation = /^DynamoDB_\d+\.(\w+)$/.exec(target)?.[1];
  if (!operation) throw new UnmappedRequest(`Unknown DynamoDB target "${target}"`);
  const action = `dynamodb:${operation}`;
  const tableName = typeof body.TableName === 'string' ? body.TableName : undefined;
  const mapped = (calls: IamCall[]): MappedRequest => ({
    service: 'dynamodb',
    operation,
    calls: unique(calls),
  });
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const tables = Object.keys((body.RequestItems as Record<string, unknown> | undefined) ?? {});
      if (!tables.length) throw new UnmappedRequest(`${operation} names no table`);
      return mapped(tables.map((table) => ({ action, resource: localArns.table(table) })));
    }
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const items = (body.TransactItems as Record<string, { TableName?: string }>[] | undefined) ?? [];
      return mapped(
        items.flatMap((item) =>
          Object.entries(item).map(([part, spec]) => {
            const partAction = TRANSACT_PARTS[part];
            if (!partAction || !spec.TableName)
              throw new UnmappedRequest(`${operation}: unknown part ${part}`);
            return { action: partAction, resource: localArns.table(spec.TableName) };
          }),
        ),
      );
    }
    case 'ListTables':
      return mapped([{ action, resource: '*' }]);
    default: {
      if (!tableName) throw new UnmappedRequest(`DynamoDB ${operation} without a TableName`);
      const index =
        (operation === 'Query' || operation === 'Scan') && typeof body.IndexName === 'string'
          ? body.IndexName
          : undefined;
      return mapped([
        { action, resource: index ? localArns.index(index, tableName) : localArns.table(tableName) },
      ]);
    }
  }
};

// ---------------------------------------------------------------------------------------------------------------
// S3 (path-style requests)
// ---------------------------------------------------------------------------------------------------------------

/** Query parameters that only shape a listing; any other bare parameter on a bucket GET is a subresource. */
const LIST_PARAMETERS = new Set([
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'list-type',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'encoding-type',
  'key-marker',
  'version-id-marker',
  'upload-id-marker',
  'x-id',
]);

const PRESIGN_PARAMETERS = /^x-amz-/i;

export interface S3RequestShape {
  method: string;
  /** The path as sent (percent-encoded), without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The body, when the gateway read it (POST); for DeleteObjects and form uploads. */
  body?: Buffer;
  /** A browser form upload's fields (lower-cased names), already parsed. */
  formFields?: Map<string, string>;
}

const decodeKey = (segments: string[]) => segments.map((s) => decodeURIComponent(s)).join('/');

/** Keys (and versions) named by a DeleteObjects XML body. */
const deletedKeys = (xml: string): { key: string; versionId?: string }[] =>
  [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((match) => {
    const block = match[1] ?? '';
    const unescapeXml = (text: string) =>
      text.replace(
        /&(amp|lt|gt|quot|apos);/g,
        (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[name] ?? '',
      );
    const key = unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(block)?.[1] ?? '');
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(block)?.[1];
    return versionId ? { key, versionId } : { key };
  });

export const mapS3 = ({ method, path, query, headers, body, formFields }: S3RequestShape): MappedRequest => {
  const segments = path.split('/').slice(1);
  const bucket = segments[0] ? decodeURIComponent(segments[0]) : '';
  const key = decodeKey(segments.slice(1));
  const has = (name: string) => query.has(name);
  const mapped = (operation: string, calls: IamCall[]): MappedRequest => ({
    service: 's3',
    operation,
    calls: unique(calls),
  });
  const object = (action: string, objectKey = key) => ({
    action: `s3:${action}`,
    resource: localArns.object(objectKey, bucket),
  });
  const onBucket = (action: string) => ({ action: `s3:${action}`, resource: localArns.bucket(bucket) });
  const versioned = has('versionId');

  if (!bucket) {
    if (method === 'GET') return mapped('ListBuckets', [{ action: 's3:ListAllMyBuckets', resource: '*' }]);
    throw new UnmappedRequest(`S3 ${method} / is not a known operation`);
  }
  if (!key || key === '') {
    const subresources = [...query.keys()].filter(
      (name) => !LIST_PARAMETERS.has(name) && !PRESIGN_PARAMETERS.test(name),
    );
    if (method === 'POST' && formFields) {
      const formKey = formFields.get('key');
      if (!formKey) throw new UnmappedRequest('S3 form upload without a key field');
      return mapped('PostObject', [object('PutObject', formKey)]);
    }
    if (method === 'POST' && has('delete')) {
      const keys = deletedKeys(body?.toString('utf8') ?? '');
      return mapped(
        'DeleteObjects',
        keys.map(({ key: k, versionId }) => object(versionId ? 'DeleteObjectVersion' : 'DeleteObject', k)),
      );
    }
    if (method === 'HEAD') return mapped('HeadBucket', [onBucket('ListBucket')]);
    if (method === 'GET') {
      if (has('versions')) return mapped('ListObjectVersions', [onBucket('ListBucketVersions')]);
      if (has('uploads')) return mapped('ListMultipartUploads', [onBucket('ListBucketMultipartUploads')]);
      if (has('location')) return mapped('GetBucketLocation', [onBucket('GetBucketLocation')]);
      if (subresources.length === 0)
        return mapped(query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', [
          onBucket('ListBucket'),
        ]);
    }
    if (method === 'PUT' && subresources.length === 0)
      return mapped('CreateBucket', [onBucket('CreateBucket')]);
    if (method === 'DELETE' && subresources.length === 0)
      return mapped('DeleteBucket', [onBucket('DeleteBucket')]);
    throw new UnmappedRequest(`S3 ${method} on a bucket with ?${subresources.join('&')} is not mapped`);
  }
  const objectSubresources = [...query.keys()].filter(
    (name) =>
      !PRESIGN_PARAMETERS.test(name) && !['versionId', 'x-id', 'partNumber', 'uploadId'].includes(name),
  );
  const responseOverrides = objectSubresources.every((name) => name.startsWith('response-'));
  if ((method === 'GET' || method === 'HEAD') && responseOverrides) {
    if (has('uploadId')) return mapped('ListParts', [object('ListMultipartUploadParts')]);
    return mapped(method === 'GET' ? 'GetObject' : 'HeadObject', [
      object(versioned ? 'GetObjectVersion' : 'GetObject'),
    ]);
  }
  if (objectSubresources.length > 0 && !(method === 'POST' && has('uploads'))) {
    throw new UnmappedRequest(
      `S3 ${method} on an object with ?${objectSubresources.join('&')} is not mapped`,
    );
  }
  if (method === 'PUT') {
    const copySource = headers['x-amz-copy-source'];
    if (typeof copySource === 'string') {
      const source = decodeURIComponent(copySource.split('?')[0] ?? '').replace(/^\//, '');
      const [sourceBucket = '', ...sourceKey] = source.split('/');
      return mapped('CopyObject', [
        object('PutObject'),
        { action: 's3:GetObject', resource: localArns.object(sourceKey.join('/'), sourceBucket) },
      ]);
    }
    return mapped(has('uploadId') ? 'UploadPart' : 'PutObject', [object('PutObject')]);
  }
  if (method === 'POST' && has('uploads')) return mapped('CreateMultipartUpload', [object('PutObject')]);
  if (method === 'POST' && has('uploadId')) return mapped('CompleteMultipartUpload', [object('PutObject')]);
  if (method === 'DELETE') {
    if (has('uploadId')) return mapped('AbortMultipartUpload', [object('AbortMultipartUpload')]);
    return mapped('DeleteObject', [object(versioned ? 'DeleteObjectVersion' : 'DeleteObject')]);
  }
  throw new UnmappedRequest(`S3 ${method} on an object is not mapped`);
};

// ---------------------------------------------------------------------------------------------------------------
// SES v2 and Step Functions
// ---------------------------------------------------------------------------------------------------------------

/** The address alone, without a display name (`Onboarding <onboarding@x.org>` is `onboarding@x.org`). */
const bareAddress = (address: string): string => (/<([^>]+)>\s*$/.exec(address)?.[1] ?? address).trim();

/** The identity a sender address sends as: the address if it is an identity itself, else its domain. */
export const identityOf = (address: string, identities: readonly string[]): string => {
  const bare = bareAddress(address).toLowerCase();
  if (identities.some((identity) => identity.toLowerCase() === bare)) return bare;
  return bare.split('@')[1] ?? bare;
};

export const mapSes = (
  method: string,
  path: string,
  body: Record<string, unknown>,
  identities: readonly string[],
  /** Each identity's default configuration set (its ConfigurationSetAttributes), if it has one. */
  configurationSets: Readonly<Record<string, string>> = {},
): MappedRequest => {
  if (method === 'POST' && path.replace(/\/$/, '') === '/v2/email/outbound-emails') {
    const explicit = body.FromEmailAddressIdentityArn;
    const from = body.FromEmailAddress;
    if (typeof explicit !== 'string' && typeof from !== 'string')
      throw new UnmappedRequest('SendEmail without FromEmailAddress');
    const identity = typeof from === 'string' ? identityOf(from, identities) : undefined;
    const resource = typeof explicit === 'string' ? explicit : localArns.identity(identity ?? '');
    const context: Record<string, string> =
      typeof from === 'string' ? { 'ses:FromAddress': bareAddress(from) } : {};
    const named = body.ConfigurationSetName;
    const configurationSet =
      typeof named === 'string' ? named : identity ? configurationSets[identity] : undefined;
    return {
      service: 'ses',
      operation: 'SendEmail',
      calls: [
        { action: 'ses:SendEmail', resource, context },
        ...(configurationSet
          ? [{ action: 'ses:SendEmail', resource: localArns.configurationSet(configurationSet), context }]
          : []),
      ],
    };
  }
  throw new UnmappedRequest(`SES ${method} ${path} is not mapped`);
};

const SFN_RESOURCE: Record<string, 'stateMachineArn' | 'executionArn' | '*'> = {
  StartExecution: 'stateMachineArn',
  StartSyncExecution: 'stateMachineArn',
  ListExecutions: 'stateMachineArn',
  DescribeStateMachine: 'stateMachineArn',
  DescribeExecution: 'executionArn',
  StopExecution: 'executionArn',
  GetExecutionHistory: 'executionArn',
  DescribeStateMachineForExecution: 'executionArn',
  SendTaskSuccess: '*',
  SendTaskFailure: '*',
  SendTaskHeartbeat: '*',
  ListStateMachines: '*',
};

export const mapSfn = (target: string, body: Record<string, unknown>): MappedRequest => {
  const operation = /^AWSStepFunctions\.(\w+)$/.exec(target)?.[1];
  const field = operation ? SFN_RESOURCE[operation] : undefined;
  if (!operation || !field) throw new UnmappedRequest(`Step Functions target "${target}" is not mapped`);
  const resource = field === '*' ? '*' : body[field];
  if (typeof resource !== 'string') throw new UnmappedRequest(`Step Functions ${operation} without ${field}`);
  return { service: 'sfn', operation, calls: [{ action: `states:${operation}`, resource }] };
};

// ---------------------------------------------------------------------------------------------------------------
// EventBridge (lib/local/eventbridge.ts)
// ---------------------------------------------------------------------------------------------------------------

/** PutEvents needs events:PutEvents on the bus of each entry (a name or an ARN; none: the default bus). */
export const mapEvents = (target: string, body: Record<string, unknown>): MappedRequest => {
  const operation = /^AWSEvents\.(\w+)$/.exec(target)?.[1];
  if (operation !== 'PutEvents') throw new UnmappedRequest(`EventBridge target "${target}" is not mapped`);
  const entries = Array.isArray(body.Entries) ? (body.Entries as Record<string, unknown>[]) : [];
  const buses = new Set(
    entries.map((entry) => {
      const bus =
        typeof entry.EventBusName === 'string' && entry.EventBusName ? entry.EventBusName : 'default';
      return bus.startsWith('arn:') ? bus : localArns.eventBus(bus);
    }),
  );
  return {
    service: 'events',
    operation,
    calls: [...buses].map((resource) => ({ action: 'events:PutEvents', resource })),
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

export type Policies = { name: string; policy: PolicyDocument }[];
export type Verdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** The role session a function's calls come from, as AWS names it in an AccessDenied message. */
export const principalArn = (name: FunctionName): string =>
  `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${name}-role/${name}`;

/** AWS's AccessDenied wording for an identity-policy denial. */
export const deniedMessage = (name: FunctionName, call: IamCall, verdict: Verdict): string =>
  `User: ${principalArn(name)} is not authorized to perform: ${call.action} on resource: ${call.resource} because ${
    verdict === 'ExplicitlyDenied'
      ? 'an explicit deny in an identity-based policy'
      : `no identity-based policy allows the ${call.action} action`
  }`;

/**
 * Evaluates calls against each function's identity policies, caching each (function, action, resource) verdict:
 * the engine takes ~1.5 ms a request after warm-up, the cache a map lookup.
 */
export const createPolicyEvaluator = (policies: Partial<Record<FunctionName, Policies>>) => {
  const cache = new Map<string, Promise<Verdict>>();
  const simulate = async (name: FunctionName, call: IamCall): Promise<Verdict> => {
    const result = await runSimulation(
      {
        request: {
          principal: principalArn(name),
          action: call.action,
          resource: { resource: call.resource, accountId: LOCAL_ACCOUNT },
          contextVariables: call.context ?? {},
        },
        identityPolicies: policies[name] ?? [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType === 'error') {
      throw new Error(`IAM simulation of ${name} ${call.action} ${call.resource}: ${result.errors.message}`);
    }
    return result.overallResult as Verdict;
  };
  return {
    evaluate(name: FunctionName, call: IamCall): Promise<Verdict> {
      const key = `${name}\0${call.action}\0${call.resource}\0${JSON.stringify(call.context ?? {})}`;
      let verdict = cache.get(key);
      if (!verdict) {
        verdict = simulate(name, call);
        cache.set(key, verdict);
        verdict.catch(() => cache.delete(key));
      }
      return verdict;
    },
  };
};
export type PolicyEvaluator = ReturnType<typeof createPolicyEvaluator>;
