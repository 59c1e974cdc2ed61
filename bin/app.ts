/** CDK entry point (`cdk.json`: `node --import tsx bin/app.ts`). */
import { buildApp } from '../lib/app.ts';

buildApp().app.synth();
