import type { ApplicationStore } from '../ports/index.ts';

/** A port this function is not wired to: touching it is a programming error, reported loudly. */
export const unavailable = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`This function is not wired to ${name}`);
    },
  });

export const systemClock = { now: () => new Date() };

/**
 * An application store with only the methods a function's use case calls (issue 10: each bundle carries only the
 * DynamoDB commands it sends). Calling any other method is a programming error, reported loudly like `unavailable`.
 */
export const wiredStore = (methods: Partial<ApplicationStore>): ApplicationStore =>
  new Proxy(methods as ApplicationStore, {
    get(target, property) {
      if (property in target) return target[property as keyof ApplicationStore];
      if (property === 'then') return undefined;
      throw new Error(`This function is not wired to the store's ${String(property)}`);
    },
  });
