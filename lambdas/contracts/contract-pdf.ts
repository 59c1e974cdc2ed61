/**
 * The freelance affiliate agreement as a PDF (pdf-lib): generated per applicant (name, date, version), and the
 * signed copy: the original pages plus a signature page carrying the evidence (name, time, IP, user agent, hash).
 *
 * The font is embedded (DejaVu Sans, subset to the glyphs used; licence in ./fonts/LICENSE): pdf-lib's standard
 * fonts are not, so a reader without Helvetica substituted a wider font and the text ran off the page. Lines are
 * wrapped with the embedded font's own metrics, so what is measured is what is drawn. The font files sit next to
 * the bundle of every function that can render a contract (lib/functions.ts `files`).
 */
import { readFile } from 'node:fs/promises';
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { MIN_PATIENTS_PER_WEEK } from '../domain/availability.ts';
import { formatLongDate, formatLongDateTime } from '../domain/dates.ts';
import { MIN_COVER_GBP } from '../domain/insurance.ts';

const gbp = (pounds: number): string => `£${pounds.toLocaleString('en-GB')}`;

export const CONTRACT_VERSION = 'FAA-2026.1';

/** The terms, their numbers read from the rules' config so the contract cannot promise what the system does not
 *  check. Each patient keeps the same therapist (seed), so the commitment is in patients, never sessions. */
/**
 * pdf-lib and fontkit are loaded when the first PDF is made, not at cold start: the functions that bundle this
 * module make a PDF on few of their paths (an approval, the contract step, a signature), see issue 10. In a Lambda
 * they are a file of their own beside the bundle (./pdf-engine.mts), so they are not even parsed before.
 */
const pdfEngine = () => import('./pdf-engine.mjs');

/** The terms, their numbers read from the rules' config so the contract cannot promise what the system does not
 *  check (a function, so formatting the amounts is not on the init path). */
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

/** A4 in points, and the margin every line stays inside (test/unit/contracts checks the rendered text). */
export const PAGE = { width: 595.28, height: 841.89, margin: 56 } as const;
const { margin: MARGIN, width: WIDTH, height: HEIGHT } = PAGE;

const FONT_FILES = {
  regular: new URL('./fonts/DejaVuSans.ttf', import.meta.url),
  bold: new URL('./fonts/DejaVuSans-Bold.ttf', import.meta.url),
};

// Read once per container, and only by a function that renders a contract.
let fontBytes: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;
const loadFonts = () => {
  fontBytes ??= Promise.all([readFile(FONT_FILES.regular), readFile(FONT_FILES.bold)]).then(
    ([regular, bold]) => ({ regular, bold }),
  );
  return fontBytes;
};

const embedFonts = async (doc: PDFDocument): Promise<{ regular: PDFFont; bold: PDFFont }> => {
  const bytes = await loadFonts();
  doc.registerFontkit((await pdfEngine()).fontkit);
  return {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
};

/** A word wider than the line (a long name, a hash) is cut where it reaches the margin. */
const cutToWidth = (word: string, font: PDFFont, size: number, width: number): string[] => {
  const parts: string[] = [];
  let part = '';
  for (const c of word) {
    if (part && font.widthOfTextAtSize(part + c, size) > width) {
      parts.push(part);
      part = c;
    } else {
      part += c;
    }
  }
  return part ? [...parts, part] : parts;
};

const wrap = (text: string, font: PDFFont, size: number, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).flatMap((w) => cutToWidth(w, font, size, width))) {
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
  private readonly printable: Set<number>;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
    private readonly color: Color,
  ) {
    this.page = doc.addPage([WIDTH, HEIGHT]);
    const regular = new Set(font.getCharacterSet());
    this.printable = new Set(bold.getCharacterSet().filter((c) => regular.has(c)));
  }
  /** A character the font has no glyph for (an emoji in a name) becomes '?', never a crash or a blank. */
  private clean(text: string): string {
    return [...text].map((c) => (this.printable.has(c.codePointAt(0) ?? 0) ? c : '?')).join('');
  }
  write(text: string, opts: { size?: number; bold?: boolean; gap?: number } = {}) {
    const size = opts.size ?? 10.5;
    const font = opts.bold ? this.bold : this.font;
    for (const line of wrap(this.clean(text), font, size, WIDTH - 2 * MARGIN)) {
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

export const renderContract = async (input: {
  applicationId: string;
  fullName: string;
  date: string;
  version?: string;
}): Promise<Uint8Array> => {
  const { PDFDocument, rgb } = await pdfEngine();
  const doc = await PDFDocument.create();
  const when = new Date(`${input.date}T00:00:00Z`);
  doc.setTitle(`Freelance affiliate agreement ${input.version ?? CONTRACT_VERSION}`);
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  doc.setProducer('affiliate-onboarding');
  const fonts = await embedFonts(doc);
  const w = new Writer(doc, fonts.regular, fonts.bold, rgb(0.1, 0.1, 0.1));
  w.write('Freelance clinical affiliate agreement', { size: 18, bold: true, gap: 10 });
  w.write(
    `Contract version ${input.version ?? CONTRACT_VERSION}   ·   Date ${formatLongDate(input.date)}   ·   Reference ${input.applicationId}`,
  );
  w.write(`Between the provider of the online CBT therapy service ("we") and ${input.fullName} ("you").`, {
    gap: 12,
  });
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
  const { PDFDocument, rgb } = await pdfEngine();
  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const fonts = await embedFonts(doc);
  const w = new Writer(doc, fonts.regular, fonts.bold, rgb(0.1, 0.1, 0.1));
  w.write('Electronic signature', { size: 16, bold: true, gap: 10 });
  w.write(`Signed by: ${evidence.fullName}`);
  w.write(`Signed at: ${formatLongDateTime(evidence.at)} (London time)`);
  w.write(`Contract version: ${evidence.version}`);
  w.write(`SHA-256 of the contract shown and signed: ${evidence.contractSha256}`);
  w.write(`IP address: ${evidence.ip}`);
  w.write(`User agent: ${evidence.userAgent.slice(0, 300)}`);
  w.write('The signatory typed their full name and ticked "I have read and agree to this contract".');
  return doc.save({ useObjectStreams: false });
};
