/** A port this function is not wired to: touching it is a programming error, reported loudly. */
export const unavailable = <T extends object>(name: string): T =>
  new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`This function is not wired to ${name}`);
    },
  });

export const systemClock = { now: () => new Date() };
