/**
 * GuardDuty Malware Protection for S3, locally (lib/constructs/malware-scan.ts in the cloud): each object created
 * under the scanned prefix is read from the S3 emulator and "scanned": clean, unless it carries the EICAR test
 * string (the industry's harmless test file, which GuardDuty reports as `EICAR-Test-File (not a virus)`). The
 * result is the event GuardDuty publishes ("GuardDuty Malware Protection Object Scan Result", the fields its user
 * guide documents), handed to `deliver`, which the local stack sends to document-scanned as the CDK rule does.
 *
 * Differences from AWS: no real malware engine (only EICAR is found); the scan follows the upload's
 * document-received at once instead of seconds to minutes later in any order; no `GuardDutyMalwareScanStatus`
 * object tag is written; a file GuardDuty cannot scan (password-protected archives, over its size limit) is
 * never reported here. An object deleted before its scan is not reported (GuardDuty would report a failure).
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { SCAN_RESULT_DETAIL_TYPE } from '../../lambdas/adapters/guardduty-scan.ts';
import { SCANNED_PREFIX } from '../constructs/malware-scan.ts';

/** The EICAR anti-virus test string (eicar.org): harmless, and every scanner reports it. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const EICAR_THREAT = 'EICAR-Test-File (not a virus)';

export interface GuardDutyScanResult {
  version: '0';
  id: string;
  'detail-type': typeof SCAN_RESULT_DETAIL_TYPE;
  source: 'aws.guardduty';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    schemaVersion: '1.0';
    scanStatus: 'COMPLETED';
    resourceType: 'S3_OBJECT';
    s3ObjectDetails: {
      bucketName: string;
      objectKey: string;
      eTag: string;
      versionId?: string;
      s3Throttled: false;
    };
    scanResultDetails: {
      scanResultStatus: 'NO_THREATS_FOUND' | 'THREATS_FOUND';
      threats: { name: string }[] | null;
    };
  };
}

export interface ScannerOptions {
  /**
   * The S3 emulator itself, once started (the scanner is GuardDuty's role, not a function: the IAM gateway is not
   * in the way).
   */
  s3Endpoint: () => string;
  bucket: string;
  account: string;
  region: string;
  deliver: (event: GuardDutyScanResult) => Promise<void>;
}

export const scanResultEvent = (
  opts: Pick<ScannerOptions, 'bucket' | 'account' | 'region'>,
  object: { key: string; eTag: string; versionId?: string },
  infected: boolean,
  now = new Date(),
): GuardDutyScanResult => ({
  version: '0',
  id: randomUUID(),
  'detail-type': SCAN_RESULT_DETAIL_TYPE,
  source: 'aws.guardduty',
  account: opts.account,
  time: now.toISOString(),
  region: opts.region,
  resources: [`arn:aws:guardduty:${opts.region}:${opts.account}:malware-protection-plan/local`],
  detail: {
    schemaVersion: '1.0',
    scanStatus: 'COMPLETED',
    resourceType: 'S3_OBJECT',
    s3ObjectDetails: {
      bucketName: opts.bucket,
      objectKey: object.key,
      eTag: object.eTag,
      ...(object.versionId ? { versionId: object.versionId } : {}),
      s3Throttled: false,
    },
    scanResultDetails: infected
      ? { scanResultStatus: 'THREATS_FOUND', threats: [{ name: EICAR_THREAT }] }
      : { scanResultStatus: 'NO_THREATS_FOUND', threats: null },
  },
});

/** S3 delivers keys URL-encoded with '+' for spaces. */
const objectKey = (raw: string): string => decodeURIComponent(raw.replace(/\+/g, ' '));

export const createScanner = (opts: ScannerOptions) => {
  let client: S3Client | undefined;
  const s3 = () => {
    client ??= new S3Client({
      endpoint: opts.s3Endpoint(),
      region: opts.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    return client;
  };
  /** Scans each object of the event under the scanned prefix and delivers its result. */
  const scan = async (event: S3Event): Promise<void> => {
    for (const record of event.Records) {
      const key = objectKey(record.s3.object.key);
      if (!key.startsWith(SCANNED_PREFIX)) continue;
      let object: { body: Buffer; eTag: string; versionId?: string };
      try {
        const answer = await s3().send(new GetObjectCommand({ Bucket: opts.bucket, Key: key }));
        object = {
          body: Buffer.from(await (answer.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))),
          eTag: (answer.ETag ?? '').replace(/"/g, ''),
          ...(answer.VersionId ? { versionId: answer.VersionId } : {}),
        };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') continue;
        throw error;
      }
      const infected = object.body.toString('latin1').includes(EICAR);
      await opts.deliver(scanResultEvent(opts, { key, ...object }, infected));
    }
  };
  let held = false;
  const queue: S3Event[] = [];
  return {
    /** Scans the event's objects now, or queues them while scans are held. */
    async submit(event: S3Event): Promise<void> {
      if (held) queue.push(event);
      else await scan(event);
    },
    /**
     * Holds scans (`POST /__dev/scanner {"held": true}`), so what people see while a document is being checked can
     * be looked at; releasing scans what was queued, in order.
     */
    async hold(value: boolean): Promise<void> {
      held = value;
      if (value) return;
      for (const event of queue.splice(0)) await scan(event);
    },
    state: () => ({ held, queued: queue.length }),
  };
};
