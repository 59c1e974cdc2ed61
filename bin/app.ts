/** CDK entry point (`cdk.json`: `node --import tsx bin/app.ts`). */
import { buildApp, NotDeployable } from '../lib/app.ts';

try {
  buildApp({ forDeployment: true }).app.synth();
} catch (error) {
  // A config problem is the operator's to fix: say what, without a stack trace.
  if (!(error instanceof NotDeployable)) throw error;
  console.error(error.message);
  process.exit(1);
}
