import { runSimulation } from '@cloud-copilot/iam-simulate';
import { localTemplate } from './lib/local/template.ts';
const t = await localTemplate();
const run = async (fn: string, action: string, resource: string) => {
  const t0 = performance.now();
  const r = await runSimulation({
    request: { principal: `arn:aws:sts::000000000000:assumed-role/${fn}/${fn}`, action, resource: { resource, accountId: '000000000000' }, contextVariables: {} },
    identityPolicies: (t.functions as any)[fn].policies, serviceControlPolicies: [], resourceControlPolicies: [],
  }, {});
  console.log(fn, action, resource, r.resultType, (r as any).overallResult, (r as any).errors?.message ?? '', (performance.now() - t0).toFixed(1), 'ms');
};
await run('retention', 'dynamodb:BatchWriteItem', 'arn:aws:dynamodb:eu-west-2:000000000000:table/affiliate-onboarding');
await run('retention', 'dynamodb:BatchWriteItem', 'arn:aws:dynamodb:eu-west-2:000000000000:table/affiliate-onboarding');
await run('retention', 'dynamodb:Query', 'arn:aws:dynamodb:eu-west-2:000000000000:table/affiliate-onboarding/index/by-stage');
await run('create-application', 'dynamodb:BatchWriteItem', 'arn:aws:dynamodb:eu-west-2:000000000000:table/affiliate-onboarding');
await run('retention', 's3:DeleteObject', 'arn:aws:s3:::affiliate-onboarding-documents/a/b.pdf');
await run('retention', 's3:GetObject', 'arn:aws:s3:::affiliate-onboarding-documents/a/b.pdf');
await run('retention', 's3:ListBucketVersions', 'arn:aws:s3:::affiliate-onboarding-documents');
await run('create-application', 'ses:SendEmail', 'arn:aws:ses:eu-west-2:000000000000:identity/affiliates.local');
await run('create-application', 'ses:SendEmail', 'arn:aws:ses:eu-west-2:000000000000:identity/other.local');
await run('sign-contract', 'states:SendTaskSuccess', '*');
await run('create-application', 'states:StartExecution', 'arn:aws:states:eu-west-2:000000000000:stateMachine:onboarding');
await run('onboarding-sweep', 'states:DescribeExecution', 'arn:aws:states:eu-west-2:000000000000:execution:onboarding:x');
await run('onboarding-sweep', 'states:StopExecution', 'arn:aws:states:eu-west-2:000000000000:execution:onboarding:x');
await run('create-application', 'states:StopExecution', 'arn:aws:states:eu-west-2:000000000000:execution:onboarding:x');
await run('retention', 'kms:Decrypt', t.keyArn);
