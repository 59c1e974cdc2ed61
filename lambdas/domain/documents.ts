import type { DocumentKind } from './stages.ts';

/** The types a document may be uploaded as, and its size limit (the presigned POST pins both). */
export const UPLOAD_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** What a file really is, from its first bytes (magic numbers), whatever name or type it was sent with. */
export type DetectedType = 'application/pdf' | 'image/jpeg' | 'image/png';

const startsWith = (head: Uint8Array, signature: readonly number[]): boolean =>
  head.length >= signature.length && signature.every((byte, i) => head[i] === byte);

export const detectContentType = (head: Uint8Array): DetectedType | undefined => {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  return undefined;
};

/** An active therapist may upload either document at any time: a renewal for staff to verify (issue 11 §2). */
export const renewalUploadsOpen = (app: { stage: string }): boolean => app.stage === 'active';

/**
 * Where the malware scan of a stored upload stands (GuardDuty Malware Protection for S3; locally
 * lib/local/scanner.ts): `pending` until its result arrives, `clean` once nothing was found. An infected file is
 * never stored: it is deleted and listed in `refusedUploads`. A document stored before scanning existed has none.
 */
export type ScanStatus = 'pending' | 'clean';

/**
 * A stored document counts (checklists, the staff view and its download links, the documents step) only once it
 * is scanned clean: the one gate every reader of uploaded files goes through.
 */
export const isReceived = (stored: { scan?: ScanStatus } | undefined): boolean =>
  stored !== undefined && stored.scan !== 'pending';

/** Stored but not yet scanned: shown as "checking". */
export const isChecking = (stored: { scan?: ScanStatus } | undefined): boolean => stored?.scan === 'pending';

/** What a scan found, as the use case reads it (lambdas/adapters/guardduty-scan.ts maps GuardDuty's statuses). */
export type ScanResult =
  | { status: 'clean' }
  | { status: 'infected'; threats: string[] }
  /** Not scanned (unsupported, e.g. password-protected, or the scan failed): not accepted either. */
  | { status: 'unscannable' };

/** An upload refused after it was stored: what, when and why (shown to staff; no file is kept). */
export interface RefusedUpload {
  document: DocumentKind;
  key: string;
  reason: 'infected' | 'unscannable';
  /** The scanner's threat names (e.g. "EICAR-Test-File (not a virus)"): never personal data. */
  threats?: string[];
  at: string;
}
