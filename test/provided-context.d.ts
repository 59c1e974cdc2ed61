declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    siteUrl: string;
    mailUrl: string;
    /** The emulators themselves: no IAM, no faults. */
    endpoints: { dynamodb: string; s3: string; sesv2: string; sfn: string };
    /** The IAM gateway in front of them, which the functions call through. */
    iamEndpoints: { dynamodb: string; s3: string; sesv2: string; sfn: string; events: string };
    dataDir: string;
    /** Everything the local stack's process wrote to stdout and stderr, its Lambda workers' output included (Node
     * pipes a worker's stdout and stderr into the parent's): the handlers' logs (log-canary test). */
    logFile: string;
  }
}

export {};
