/**
 * Uploads a document straight to S3 with a presigned POST, showing a progress bar, and offers Retry (with a fresh
 * presigned POST from the API) when S3 refuses it or the connection drops. Used by the form and the status page.
 */
import type { DocumentKind } from '../../../lambdas/domain/stages.ts';
import type { UPLOAD_CONTENT_TYPES } from '../../../lambdas/shared/schemas.ts';
import { h } from './dom.ts';

export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

export interface UploadTarget {
  document: DocumentKind;
  /** The one content type the presigned POST's policy accepts. */
  contentType: UploadContentType;
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

/** The file name endings of each content type the API accepts. */
const ENDINGS: Record<UploadContentType, readonly string[]> = {
  'application/pdf': ['.pdf'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
};

export const DOCUMENT_NAMES: Record<DocumentKind, string> = {
  'dbs-certificate': 'DBS certificate',
  'indemnity-insurance': 'Insurance schedule',
};

const megabytes = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** Some systems leave File.type empty: fall back on the file name's ending. */
export const contentTypeOf = (file: File): UploadContentType | undefined => {
  const types = Object.keys(ENDINGS) as UploadContentType[];
  if (file.type) return types.find((type) => type === file.type);
  const name = file.name.toLowerCase();
  return types.find((type) => ENDINGS[type].some((ending) => name.endsWith(ending)));
};

/** Why a file cannot be uploaded, or undefined when it can. */
export const checkFile = (file: File, maxBytes: number): string | undefined => {
  if (!contentTypeOf(file))
    return `${file.name} is not a PDF, JPEG or PNG: choose a file of one of those types`;
  if (file.size === 0) return `${file.name} is empty: choose another file`;
  if (file.size > maxBytes) {
    return `${file.name} is ${megabytes(file.size)}: the file must be ${megabytes(maxBytes)} or smaller`;
  }
  return undefined;
};

export class UploadFailed extends Error {
  override readonly name = 'UploadFailed';
}

/** S3 answers a refused POST with an XML <Error>: say what it means for the applicant. */
export const describeS3Error = (status: number, body: string, maxBytes: number): string => {
  if (status === 0) return 'The upload was interrupted. Check your internet connection.';
  const xml = new DOMParser().parseFromString(body, 'application/xml');
  const code = xml.querySelector('Error > Code')?.textContent?.trim() ?? '';
  const message = xml.querySelector('Error > Message')?.textContent?.trim() ?? '';
  if (code === 'EntityTooLarge') return `The file is too big: it must be ${megabytes(maxBytes)} or smaller.`;
  if (code === 'EntityTooSmall') return 'The file is empty.';
  if (/expired/i.test(message)) return 'The upload link had expired.';
  if (/content-type/i.test(message)) return 'This type of file is not accepted: upload a PDF, JPEG or PNG.';
  if (code === 'AccessDenied') return 'The upload was refused because the upload link is no longer valid.';
  if (message) return `The upload failed: ${message.replace(/\.?$/, '.')}`;
  return `The upload failed (the storage service answered ${status}).`;
};

/** Multipart POST to S3: the policy fields first, then Content-Type, then the file (S3 ignores fields after it). */
export const postToS3 = (
  target: UploadTarget,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    if (!Object.keys(target.fields).some((name) => name.toLowerCase() === 'content-type')) {
      form.append('Content-Type', target.contentType);
    }
    form.append('file', file);
    // XMLHttpRequest, not fetch: only XHR reports upload progress.
    const request = new XMLHttpRequest();
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) resolve();
      else reject(new UploadFailed(describeS3Error(request.status, request.responseText, target.maxBytes)));
    });
    request.addEventListener('error', () =>
      reject(new UploadFailed(describeS3Error(0, '', target.maxBytes))),
    );
    request.addEventListener('timeout', () =>
      reject(new UploadFailed(describeS3Error(0, '', target.maxBytes))),
    );
    request.open('POST', target.url);
    request.send(form);
  });

export interface UploadRowOptions {
  document: DocumentKind;
  file: File;
  /**
   * A presigned POST for the document and the file's type; `fresh` asks the API for a new one (a retry, or the old
   * one expired).
   */
  getTarget: (contentType: UploadContentType, fresh: boolean) => Promise<UploadTarget>;
  onUploaded?: () => void;
}

/**
 * One file's upload as a list item: name, labelled progress bar with its percentage, a status line read out by
 * screen readers, and a Retry button after a failure.
 */
export class UploadRow {
  readonly element: HTMLLIElement;
  readonly #options: UploadRowOptions;
  readonly #progress: HTMLProgressElement;
  readonly #percent: HTMLSpanElement;
  readonly #status: HTMLParagraphElement;
  readonly #retry: HTMLButtonElement;
  #done = false;

  constructor(options: UploadRowOptions) {
    this.#options = options;
    const id = `upload-${options.document}`;
    const name = `${DOCUMENT_NAMES[options.document]}: ${options.file.name}`;
    this.#progress = h('progress', { id: `${id}-progress`, max: '100', 'aria-labelledby': `${id}-name` });
    this.#progress.value = 0;
    this.#percent = h('span', { class: 'upload__percent', 'aria-hidden': 'true' }, '0%');
    this.#status = h('p', { class: 'upload__status', role: 'status' }, 'Waiting to upload');
    this.#retry = h('button', { type: 'button', class: 'button button--secondary', hidden: true }, 'Retry');
    this.#retry.setAttribute('aria-describedby', `${id}-name`);
    this.#retry.addEventListener('click', () => void this.start(true));
    this.element = h(
      'li',
      { class: 'upload', 'data-document': options.document, 'data-state': 'waiting', tabindex: '-1' },
      h('p', { class: 'upload__name', id: `${id}-name` }, name),
      h('div', { class: 'upload__bar' }, this.#progress, this.#percent),
      this.#status,
      this.#retry,
    );
  }

  get done(): boolean {
    return this.#done;
  }

  #show(fraction: number): void {
    const percent = Math.round(fraction * 100);
    this.#progress.value = percent;
    this.#percent.textContent = `${percent}%`;
  }

  #state(state: 'waiting' | 'uploading' | 'done' | 'failed', status: string): void {
    this.element.dataset.state = state;
    this.#status.textContent = status;
    this.#status.classList.toggle('upload__status--error', state === 'failed');
  }

  /** Resolves true once the file is in S3; false after a failure (the row then offers Retry). */
  async start(fresh = false): Promise<boolean> {
    if (this.#done) return true;
    const { file, getTarget, onUploaded } = this.#options;
    const retryFocused = document.activeElement === this.#retry;
    this.#retry.hidden = true;
    this.#show(0);
    this.#state('uploading', 'Uploading…');
    // A hidden button cannot keep focus: keep keyboard users on the row, not back at the top of the page.
    if (retryFocused) this.element.focus();
    try {
      const contentType = contentTypeOf(file);
      if (!contentType) throw new UploadFailed(checkFile(file, Number.POSITIVE_INFINITY) ?? file.name);
      const target = await getTarget(contentType, fresh);
      const problem = checkFile(file, target.maxBytes);
      if (problem) throw new UploadFailed(problem);
      await postToS3(target, file, (fraction) => this.#show(fraction));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#state('failed', `${message.replace(/\.?$/, '.')} Press Retry to try again.`);
      this.#retry.hidden = false;
      if (retryFocused) this.#retry.focus();
      return false;
    }
    this.#show(1);
    this.#done = true;
    this.#state('done', 'Uploaded');
    onUploaded?.();
    return true;
  }
}
