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
