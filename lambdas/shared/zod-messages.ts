/**
 * zod/mini (lambdas/shared/schemas.ts) ships no error messages: it answers "Invalid input" for everything a schema
 * does not word itself. This gives it the English messages full zod configures on import, so a 400's `errors` read
 * the same whichever build parsed the body. A side effect on import, once per process (zod's config is global).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
