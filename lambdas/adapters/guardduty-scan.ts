/**
 * GuardDuty Malware Protection for S3's scan result, as EventBridge delivers it ("GuardDuty Malware Protection
 * Object Scan Result"; locally lib/local/scanner.ts emits the same shape).
 */
import type { ScanResult } from '../domain/documents.ts';

/** The parts of the event this reads. */
export interface GuardDutyScanEvent {
  'detail-type': string;
  detail: {
    scanStatus?: string;
    resourceType?: string;
    s3ObjectDetails?: { bucketName?: string; objectKey?: string };
    scanResultDetails?: { scanResultStatus?: string; threats?: { name?: string }[] | null };
  };
}

export const SCAN_RESULT_DETAIL_TYPE = 'GuardDuty Malware Protection Object Scan Result';

/**
 * The object and what the scan found: NO_THREATS_FOUND is clean, THREATS_FOUND infected, anything else
 * (UNSUPPORTED, ACCESS_DENIED, FAILED, a skipped or failed scan) not scannable. Another event is a wiring mistake
 * and fails loudly.
 */
export const scanOf = (event: GuardDutyScanEvent): { key: string; result: ScanResult } => {
  const key = event.detail?.s3ObjectDetails?.objectKey;
  if (event['detail-type'] !== SCAN_RESULT_DETAIL_TYPE || typeof key !== 'string') {
    throw new Error(`Not a GuardDuty S3 object scan result: ${event['detail-type']}`);
  }
  const status = event.detail.scanResultDetails?.scanResultStatus;
  if (event.detail.scanStatus === 'COMPLETED' && status === 'NO_THREATS_FOUND') {
    return { key, result: { status: 'clean' } };
  }
  if (event.detail.scanStatus === 'COMPLETED' && status === 'THREATS_FOUND') {
    const threats = (event.detail.scanResultDetails?.threats ?? []).flatMap((t) =>
      typeof t?.name === 'string' ? [t.name] : [],
    );
    return { key, result: { status: 'infected', threats } };
  }
  return { key, result: { status: 'unscannable' } };
};
