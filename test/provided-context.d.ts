declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    siteUrl: string;
    mailUrl: string;
    endpoints: { dynamodb: string; s3: string; sesv2: string; sfn: string };
    dataDir: string;
    /** Everything the local stack's process wrote to stdout and stderr: the handlers' logs (log-canary test). */
    logFile: string;
  }
}

export {};
