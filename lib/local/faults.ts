/**
 * Faults on demand (issue 8, DESIGN §6 `POST /__dev/faults`): a rate (0–1) per service of the retryable errors AWS
 * answers under load, in AWS's own wire shapes, so the SDK classifies them as it would on AWS (throttling or
 * transient, retried with backoff) and what it cannot retry reaches our code as the same named error:
 *  - dynamodb: 400 `ThrottlingException` or `ProvisionedThroughputExceededException` (JSON 1.0 `__type`)
 *  - s3: 503 `SlowDown` or `ServiceUnavailable` (XML)
 *  - ses: 429 `TooManyRequestsException` (REST-JSON, `x-amzn-ErrorType`); `sesRejected` is a separate rate of
 *    400 `MessageRejected`, which is permanent (the outbox gives up and tells staff)
 *  - sfn: 400 `ThrottlingException` (JSON 1.0)
 *  - events: 400 `ThrottlingException` (JSON 1.1) on the stack's event bus (PutEvents)
 *  - lambda: the state machine's invoke of a task function fails with `Lambda.TooManyRequestsException` (asked by
 *    the local Step Functions, not the gateway)
 * Invocation faults (`invocations: {"<function>" | "*": {timeout?, crash?}}`) make a rate of a function's
 * invocations fail in the local Lambda runtime (lib/local/lambda-runtime.ts) as Lambda reports them: a timeout
 * (`Sandbox.Timedout`, the handler ran, its environment is terminated) or a crash (`Runtime.ExitError`, the
 * environment exits before the handler runs). A function's own entry wins over `*`.
 * The gateway asks `decide()` after IAM allowed a call (never for the harness); an answer replaces the emulator's,
 * so a faulted call has no effect. `functions` limits faults to calls made by those functions.
 *
 * Deterministic for a seed: each service draws from its own mulberry32 stream, so the n-th call to a service gets
 * the same answer in every run with that seed (which call is n-th still depends on the order calls arrive in).
 */
import { randomUUID } from 'node:crypto';

export const FAULT_SERVICES = ['dynamodb', 's3', 'ses', 'sfn', 'events', 'lambda'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];
export const INVOCATION_FAULTS = ['timeout', 'crash'] as const;
export type InvocationFault = (typeof INVOCATION_FAULTS)[number];
type Injected = Partial<Record<FaultService | 'sesRejected' | InvocationFault, number>>;

export interface FaultSettings {
  seed: number;
  rates: Partial<Record<FaultService, number>>;
  /** A rate of SES `MessageRejected` (permanent), drawn after the retryable SES rate. */
  sesRejected?: number;
  /** Only calls made by these functions are faulted (absent: every function's). */
  functions?: string[];
  /** Per function name (or `*` for every function): rates of invocations that time out or crash. */
  invocations?: Record<string, Partial<Record<InvocationFault, number>>>;
}

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FaultCall {
  service: Exclude<FaultService, 'lambda'>;
  action: string;
  function?: string;
}

export interface Faults {
  /** Replaces the settings; `{rates: {}}` turns every fault off. Throws InvalidFaults on a bad shape. */
  set(input: unknown): FaultSettings;
  get(): FaultSettings & { injected: Injected };
  /** The gateway's hook: the error to answer instead of the emulator, if this call is to fail. */
  decide(call: FaultCall): FaultResponse | undefined;
  /** The local Step Functions' hook: the error its invoke of a task function fails with, if it is to fail. */
  invokeFault(functionName: string): Error | undefined;
  /** The local Lambda runtime's hook: whether this invocation of the function times out or crashes. */
  invocationFault(functionName: string): InvocationFault | undefined;
}

export class InvalidFaults extends Error {
  override readonly name = 'InvalidFaults';
}

/** mulberry32: a 32-bit seeded generator, plenty for choosing which calls fail. */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const json10 = (type: string, message: string): FaultResponse => ({
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify({ __type: type, message }),
});

const s3Error = (code: string, message: string): FaultResponse => {
  const requestId = randomUUID();
  return {
    status: 503,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
};

const restJson = (status: number, type: string, message: string): FaultResponse => ({
  status,
  headers: {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  },
  body: JSON.stringify({ message }),
});

/** The error each service answers, given a second draw to pick between its shapes. */
const RETRYABLE: Record<Exclude<FaultService, 'lambda'>, (pick: number) => FaultResponse> = {
  dynamodb: (pick) =>
    pick < 0.5
      ? json10(
          'com.amazonaws.dynamodb.v20120810#ThrottlingException',
          'Rate of requests exceeds the allowed throughput.',
        )
      : json10(
          'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded.',
        ),
  s3: (pick) =>
    pick < 0.5
      ? s3Error('SlowDown', 'Please reduce your request rate.')
      : s3Error('ServiceUnavailable', 'Service is unable to handle request.'),
  ses: () => restJson(429, 'TooManyRequestsException', 'Too many requests.'),
  sfn: () => json10('ThrottlingException', 'Rate exceeded'),
  events: () => ({
    ...json10('ThrottlingException', 'Rate exceeded'),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
  }),
};

const rate = (value: unknown, name: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidFaults(`${name} must be a number from 0 to 1`);
  }
  return value;
};

const parse = (input: unknown): FaultSettings => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidFaults(
      'The body must be {seed?, rates: {dynamodb?, s3?, ses?, sfn?, events?, lambda?}, invocations?: {<function>: {timeout?, crash?}}}',
    );
  }
  const { seed, rates, sesRejected, functions, invocations, ...unknown } = input as Record<string, unknown>;
  if (Object.keys(unknown).length > 0)
    throw new InvalidFaults(`Unknown keys: ${Object.keys(unknown).join(', ')}`);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new InvalidFaults('seed must be an integer');
  const parsedInvocations = parseInvocations(invocations);
  // `rates` may be left out only when the body sets invocation faults.
  if (
    !(rates === undefined && parsedInvocations) &&
    (!rates || typeof rates !== 'object' || Array.isArray(rates))
  )
    throw new InvalidFaults('rates is required');
  const parsed: Partial<Record<FaultService, number>> = {};
  for (const [service, value] of Object.entries(rates ?? {})) {
    if (!(FAULT_SERVICES as readonly string[]).includes(service)) {
      throw new InvalidFaults(`rates.${service}: services are ${FAULT_SERVICES.join(', ')}`);
    }
    const checked = rate(value, `rates.${service}`);
    if (checked) parsed[service as FaultService] = checked;
  }
  if (
    functions !== undefined &&
    (!Array.isArray(functions) || functions.some((f) => typeof f !== 'string'))
  ) {
    throw new InvalidFaults('functions must be a list of function names');
  }
  const rejected = rate(sesRejected, 'sesRejected');
  return {
    seed: (seed as number | undefined) ?? 1,
    rates: parsed,
    ...(rejected ? { sesRejected: rejected } : {}),
    ...(functions ? { functions: functions as string[] } : {}),
    ...(parsedInvocations ? { invocations: parsedInvocations } : {}),
  };
};

const parseInvocations = (input: unknown): FaultSettings['invocations'] => {
  if (input === undefined) return undefined;
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidFaults('invocations must be {<function name> | "*": {timeout?, crash?}}');
  }
  const parsed: NonNullable<FaultSettings['invocations']> = {};
  for (const [name, value] of Object.entries(input)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidFaults(`invocations.${name} must be {timeout?, crash?}`);
    }
    const entry: Partial<Record<InvocationFault, number>> = {};
    for (const [fault, faultRate] of Object.entries(value)) {
      if (!(INVOCATION_FAULTS as readonly string[]).includes(fault)) {
        throw new InvalidFaults(`invocations.${name}.${fault}: faults are ${INVOCATION_FAULTS.join(', ')}`);
      }
      const checked = rate(faultRate, `invocations.${name}.${fault}`);
      if (checked) entry[fault as InvocationFault] = checked;
    }
    if ((entry.timeout ?? 0) + (entry.crash ?? 0) > 1) {
      throw new InvalidFaults(`invocations.${name}: timeout + crash must be at most 1`);
    }
    if (Object.keys(entry).length > 0) parsed[name] = entry;
  }
  return Object.keys(parsed).length > 0 ? parsed : undefined;
};

export const createFaults = (initial?: unknown): Faults => {
  let settings: FaultSettings = { seed: 1, rates: {} };
  let streams = new Map<FaultService, () => number>();
  let injected: Injected = {};
  let invocationStream: (() => number) | undefined;
  const stream = (service: FaultService) => {
    let next = streams.get(service);
    if (!next) {
      next = mulberry32(settings.seed * 31 + FAULT_SERVICES.indexOf(service) + 1);
      streams.set(service, next);
    }
    return next;
  };
  const count = (key: keyof Injected) => {
    injected[key] = (injected[key] ?? 0) + 1;
  };

  /** Which fault, if any, this call gets, and a second draw to pick the error's shape. */
  const roll = (
    service: FaultService,
    caller: string | undefined,
  ): { fault: 'retryable' | 'rejected'; pick: number } | undefined => {
    const retryable = settings.rates[service] ?? 0;
    const rejected = service === 'ses' ? (settings.sesRejected ?? 0) : 0;
    if (retryable === 0 && rejected === 0) return undefined;
    if (settings.functions && !(caller && settings.functions.includes(caller))) return undefined;
    const next = stream(service);
    // Two draws per call whatever the outcome, so one call's answer never shifts the next call's.
    const draw = next();
    const pick = next();
    if (draw < retryable) {
      count(service);
      return { fault: 'retryable', pick };
    }
    if (draw < retryable + rejected) {
      count('sesRejected');
      return { fault: 'rejected', pick };
    }
    return undefined;
  };

  const faults: Faults = {
    set(input) {
      settings = parse(input);
      streams = new Map();
      invocationStream = undefined;
      injected = {};
      return settings;
    },
    get: () => ({ ...settings, injected: { ...injected } }),
    decide({ service, function: caller }) {
      const rolled = roll(service, caller);
      if (!rolled) return undefined;
      return rolled.fault === 'rejected'
        ? restJson(400, 'MessageRejected', 'Email address is not verified.')
        : RETRYABLE[service](rolled.pick);
    },
    invokeFault(functionName) {
      if (!roll('lambda', functionName)) return undefined;
      return Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' });
    },
    invocationFault(functionName) {
      const entry = settings.invocations?.[functionName] ?? settings.invocations?.['*'];
      if (!entry) return undefined;
      // A stream of its own, one draw per invocation of a function with faults set.
      invocationStream ??= mulberry32(settings.seed * 31 + FAULT_SERVICES.length + 1);
      const draw = invocationStream();
      const timeout = entry.timeout ?? 0;
      const fault = draw < timeout ? 'timeout' : draw < timeout + (entry.crash ?? 0) ? 'crash' : undefined;
      if (fault) count(fault);
      return fault;
    },
  };
  if (initial !== undefined) faults.set(initial);
  return faults;
};
