/** In-memory ports for unit tests of single use cases. They keep the contracts the adapters keep (versions,
 *  uniqueness), so a use case that relies on them is tested against the same promises. */
import type { Application, ApplicationEvent } from '../../../lambdas/domain/application.ts';
import {
  type ApplicationStore,
  type Digest,
  DuplicateEmail,
  type Email,
  type IdempotencyRecord,
  type Ports,
  TaskGone,
  Undeliverable,
  VersionConflict,
} from '../../../lambdas/ports/index.ts';

export const memoryPorts = (now = new Date('2026-11-26T10:00:00Z')) => {
  const apps = new Map<string, Application>();
  const events: ApplicationEvent[] = [];
  const emails = new Map<string, string>();
  const idempotency = new Map<string, IdempotencyRecord>();
  const digests = new Map<string, Digest>();
  const sent: Email[] = [];
  const callbacks: { token: string; kind: 'success' | 'failure'; payload: unknown }[] = [];
  const started: string[] = [];
  const objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
  /** mail: throttled sends to come; rejected: addresses SES refuses for good; gone: tokens no task waits for. */
  const failures = { start: 0, mail: 0, rejected: new Set<string>(), gone: new Set<string>() };
  const stopped: string[] = [];

  const store: ApplicationStore = {
    async create(app, evs, idem) {
      const mailbox = app.mailbox ?? app.applicant.email.trim().toLowerCase();
      if (emails.has(mailbox)) throw new DuplicateEmail();
      if (idem && idempotency.has(idem.keyHash)) throw new VersionConflict();
      apps.set(app.id, structuredClone(app));
      emails.set(mailbox, app.id);
      if (idem) idempotency.set(idem.keyHash, idem);
      events.push(...evs);
    },
    async get(id) {
      const app = apps.get(id);
      return app ? structuredClone(app) : undefined;
    },
    async findByEmail(mailbox) {
      const app = [...apps.values()].find(
        (a) =>
          (a.mailbox ?? a.applicant.email.trim().toLowerCase()) === mailbox &&
          !['rejected', 'withdrawn', 'lapsed'].includes(a.stage),
      );
      return app ? structuredClone(app) : undefined;
    },
    async update(next, before, evs) {
      if (apps.get(next.id)?.version !== before.version) throw new VersionConflict();
      apps.set(next.id, structuredClone(next));
      events.push(...evs);
    },
    async recordAccess(evs) {
      events.push(...evs);
    },
    async events(id) {
      return events.filter((e) => e.applicationId === id);
    },
    async findIdempotency(keyHash) {
      return idempotency.get(keyHash);
    },
    async clearOutbox(id, ids) {
      const app = apps.get(id);
      if (app?.outbox.some((e) => ids.includes(e.id))) {
        app.outbox = app.outbox.filter((e) => !ids.includes(e.id));
        app.version += 1;
      }
    },
    async byStage(stage) {
      return {
        items: [...apps.values()]
          .filter((a) => a.stage === stage)
          .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
          .map((a) => structuredClone(a)),
      };
    },
    async countByStage(stage) {
      return [...apps.values()].filter((a) => a.stage === stage).length;
    },
    async toVerify() {
      return {
        items: [...apps.values()]
          .filter((a) => Object.keys(a.renewals ?? {}).length > 0)
          .map((a) => structuredClone(a)),
      };
    },
    async complianceDue(asOf) {
      return {
        items: [...apps.values()]
          .filter((a) => a.complianceDueAt && a.complianceDueAt <= asOf)
          .map((a) => structuredClone(a)),
      };
    },
    async retentionDue(asOf) {
      return {
        items: [...apps.values()]
          .filter((a) => a.retentionDueAt && a.retentionDueAt <= asOf)
          .map((a) => structuredClone(a)),
      };
    },
    async digest(date) {
      return digests.get(date);
    },
    async addToDigest(date, changes) {
      const d = digests.get(date) ?? { date, changes: [] };
      d.changes.push(...changes);
      digests.set(date, d);
    },
    async markDigestSent(date, at) {
      const d = digests.get(date) ?? { date, changes: [] };
      if (d.sentAt) return false;
      digests.set(date, { ...d, sentAt: at });
      return true;
    },
    async purge(id, tombstone) {
      const before = events.length;
      for (let i = events.length - 1; i >= 0; i--) if (events[i]?.applicationId === id) events.splice(i, 1);
      apps.delete(id);
      events.push(tombstone);
      return before - events.length + 2;
    },
    async due(asOf) {
      return {
        items: [...apps.values()].filter((a) => a.dueAt && a.dueAt <= asOf).map((a) => structuredClone(a)),
      };
    },
  };

  const ports: Ports = {
    store,
    documents: {
      async presignUpload(key, opts) {
        return {
          url: 'http://s3.test/bucket',
          fields: { key, 'Content-Type': opts.contentType },
          maxBytes: opts.maxBytes,
          expiresAt: now.toISOString(),
        };
      },
      async inspect(key) {
        const o = objects.get(key);
        return o
          ? {
              head: o.bytes.subarray(0, 16),
              sha256: 'x'.repeat(64),
              sizeBytes: o.bytes.length,
              contentType: o.contentType,
            }
          : undefined;
      },
      async delete(key) {
        objects.delete(key);
      },
      async put(key, bytes, contentType) {
        objects.set(key, { bytes, contentType });
      },
      async get(key) {
        return objects.get(key)?.bytes;
      },
      async deletePrefix(prefix) {
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix));
        for (const k of keys) objects.delete(k);
        return keys.length;
      },
      async downloadUrl(key) {
        return `http://s3.test/${key}`;
      },
    },
    mailer: {
      async send(email) {
        if (failures.rejected.has(email.to)) throw new Undeliverable('MessageRejected');
        if (failures.mail > 0) {
          failures.mail--;
          throw new Error('SES unavailable');
        }
        sent.push(email);
      },
    },
    workflow: {
      async start(id, restart) {
        if (failures.start > 0) {
          failures.start--;
          throw new Error('Step Functions unavailable');
        }
        const name = restart ? `${id}-r${restart.attempt}` : id;
        started.push(restart ? `${name}@${restart.resumeAt}` : id);
        return `arn:aws:states:eu-west-2:000000000000:execution:onboarding:${name}`;
      },
      async succeed(token, output) {
        if (failures.gone.has(token)) throw new TaskGone('TaskTimedOut');
        callbacks.push({ token, kind: 'success', payload: output });
      },
      async fail(token, error) {
        if (failures.gone.has(token)) throw new TaskGone('TaskDoesNotExist');
        callbacks.push({ token, kind: 'failure', payload: error });
      },
      async stop(executionArn) {
        stopped.push(executionArn);
      },
    },
    clock: { now: () => now },
  };
  return { ports, apps, events, sent, callbacks, started, stopped, objects, failures };
};
