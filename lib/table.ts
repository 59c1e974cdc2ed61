/**
 * The single table's key schema (DESIGN §4), shared by the CDK stateful stack and the local DynamoDB setup.
 *  - application: pk=APP#<id>, sk=APPLICATION; events: pk=APP#<id>, sk=EVENT#<iso>#<ulid>
 *  - email uniqueness: pk=EMAIL#<sha256(email)>, sk=UNIQUE; idempotency: pk=IDEMPOTENCY#<sha256(key)>, sk=REQUEST
 *  - by-stage (staff queue): gsi1pk=STAGE#<stage>, gsi1sk=<updatedAt>#<id>
 *  - by-due (sparse: only items with something due carry it): duePk=DUE, dueSk=<iso date-time>#<id>
 *  - by-compliance (sparse: active therapists with a DBS or insurance action to come): compliancePk=COMPLIANCE,
 *    complianceSk=<iso date-time>#<id>
 *  - by-retention (sparse: what must be deleted, and when): retentionPk=RETENTION, retentionSk=<iso>#<id>
 *  - by-verify (sparse: active therapists with a renewed document to verify, issue 11 §2): verifyPk=VERIFY,
 *    verifySk=<receivedAt of the oldest waiting>#<id>
 *  - daily staff digest: pk=DIGEST#<date>, sk=DIGEST
 *  - capacity aggregate (issue 11, domain/capacity.ts): pk=CAPACITY, sk=Y#<year> | M#<year-month> | D#<date> | S#<date>
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAtEpoch',
  indexes: [
    { name: 'by-stage', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'by-due', partitionKey: 'duePk', sortKey: 'dueSk' },
    { name: 'by-compliance', partitionKey: 'compliancePk', sortKey: 'complianceSk' },
    { name: 'by-retention', partitionKey: 'retentionPk', sortKey: 'retentionSk' },
    { name: 'by-verify', partitionKey: 'verifyPk', sortKey: 'verifySk' },
  ],
} as const;
