/**
 * The freelance affiliate agreement as a PDF (pdf-lib): generated per applicant (name, date, version), and the
 * signed copy: the original pages plus a signature page carrying the evidence (name, time, IP, user agent, hash).
 */
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { MIN_PATIENTS_PER_WEEK } from '../domain/availability.ts';
import { MIN_COVER_GBP } from '../domain/insurance.ts';

const gbp = (pounds: number): string => `£${pounds.toLocaleString('en-GB')}`;

export const CONTRACT_VERSION = 'FAA-2026.1';

/**
 * pdf-lib (about 420 KB) is loaded when the first PDF is made, not at cold start: the functions that bundle this
 * module make a PDF on few of their paths (an approval, the contract step, a signature), see issue 10.
 */
const pdfLib = () => import('pdf-lib');

/** The terms, their numbers read from the rules' config so the contract cannot promise what the system does not
 *  check. Each patient keeps the same therapist (seed), so the commitment is in patients, never sessions. */
export const terms = (): string[] => [
  'Status. You provide therapy services as a self-employed contractor, not as an employee or worker. You are responsible for your own tax and National Insurance.',
  'Services. You deliver cognitive behavioural therapy online to patients referred to you, within the hours you offer, and keep each patient for the whole course of their therapy.',
  'Professional standards. You keep your accreditation, follow the ethical framework of your professional body, and keep an enhanced DBS certificate acceptable to us.',
  `Insurance. You hold professional indemnity insurance of at least ${gbp(MIN_COVER_GBP)} throughout this agreement and send us each renewal.`,
  `Availability. You see at least ${MIN_PATIENTS_PER_WEEK} patients a week. You tell us of any change to your availability as early as you can.`,
  'Fees. We pay you per session delivered at the rates in the fee schedule in force, monthly in arrears, on your invoice.',
  'Confidentiality and data protection. You keep patient information confidential and process it only as our data processing terms allow.',
  'Substitution and control. You decide how to deliver therapy within clinical governance; you may decline referrals.',
  'Termination. Either party may end this agreement with 30 days written notice, or at once for serious breach.',
];

const MARGIN = 56;
const WIDTH = 595.28;
const HEIGHT = 841.89;

const wrap = (text: string, font: PDFFont, size: number, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) > width && line) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
};

class Writer {
  private page: PDFPage;
  private y = HEIGHT - MARGIN;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
    private readonly color: Color,
  ) {
    this.page = doc.addPage([WIDTH, HEIGHT]);
  }
  write(text: string, opts: { size?: number; bold?: boolean; gap?: number } = {}) {
    const size = opts.size ?? 10.5;
    const font = opts.bold ? this.bold : this.font;
    for (const line of wrap(text, font, size, WIDTH - 2 * MARGIN)) {
      if (this.y < MARGIN + size) {
        this.page = this.doc.addPage([WIDTH, HEIGHT]);
        this.y = HEIGHT - MARGIN;
      }
      this.page.drawText(line, { x: MARGIN, y: this.y - size, size, font, color: this.color });
      this.y -= size * 1.45;
    }
    this.y -= opts.gap ?? 6;
  }
}

/** Standard fonts only encode WinAnsi: anything else (an emoji in a name) becomes '?', never a crash. */
const printable = (value: string): string => value.replace(/[^\x20-\x7e\u00a0-\u00ff£]/g, '?');

export const renderContract = async (input: {
  applicationId: string;
  fullName: string;
  date: string;
  version?: string;
}): Promise<Uint8Array> => {
  const { PDFDocument, rgb, StandardFonts } = await pdfLib();
  const doc = await PDFDocument.create();
  const when = new Date(`${input.date}T00:00:00Z`);
  doc.setTitle(`Freelance affiliate agreement ${input.version ?? CONTRACT_VERSION}`);
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  doc.setProducer('affiliate-onboarding');
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    rgb(0.1, 0.1, 0.1),
  );
  w.write('Freelance clinical affiliate agreement', { size: 18, bold: true, gap: 10 });
  w.write(
    `Contract version ${input.version ?? CONTRACT_VERSION}   ·   Date ${input.date}   ·   Reference ${input.applicationId}`,
  );
  w.write(
    `Between the provider of the online CBT therapy service ("we") and ${printable(input.fullName)} ("you").`,
    { gap: 12 },
  );
  terms().forEach((term, i) => {
    w.write(`${i + 1}. ${term}`);
  });
  w.write('You sign this agreement electronically by typing your full name and confirming that you agree.', {
    gap: 0,
  });
  return doc.save({ useObjectStreams: false });
};

export const appendSignaturePage = async (
  original: Uint8Array,
  evidence: {
    fullName: string;
    at: string;
    ip: string;
    userAgent: string;
    contractSha256: string;
    version: string;
  },
): Promise<Uint8Array> => {
  const { PDFDocument, rgb, StandardFonts } = await pdfLib();
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    rgb(0.1, 0.1, 0.1),
  );
  w.write('Electronic signature', { size: 16, bold: true, gap: 10 });
  w.write(`Signed by: ${printable(evidence.fullName)}`);
  w.write(`Signed at: ${evidence.at} (UTC)`);
  w.write(`Contract version: ${evidence.version}`);
  w.write(`SHA-256 of the contract shown and signed: ${evidence.contractSha256}`);
  w.write(`IP address: ${evidence.ip}`);
  w.write(`User agent: ${printable(evidence.userAgent).slice(0, 300)}`);
  w.write('The signatory typed their full name and ticked "I have read and agree to this contract".');
  return doc.save({ useObjectStreams: false });
};
