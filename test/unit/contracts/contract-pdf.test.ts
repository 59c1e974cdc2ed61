/**
 * The contract PDF as a reader renders it (poppler, as on any machine): every font embedded, so no reader
 * substitutes a wider one, and every word inside the page's margins, on the contract and its signature page, for
 * a long name, a long user agent and a name with characters the font lacks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSignaturePage, PAGE, renderContract } from '../../../lambdas/contracts/contract-pdf.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'contract-pdf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LONG_NAME = 'Anna-Maria Wolfeschlegelsteinhausenbergerdorff-Oyelaran-Featherstonehaugh Ng';
const UNBROKEN = 'Q'.repeat(120);

const write = async (name: string, bytes: Uint8Array): Promise<string> => {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
};

const contract = async (fullName: string) =>
  renderContract({ applicationId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', fullName, date: '2026-12-16' });

const signed = async (fullName: string) =>
  appendSignaturePage(await contract(fullName), {
    fullName,
    at: '2026-12-16T10:05:00.000Z',
    ip: '2001:db8:85a3:0000:0000:8a2e:0370:7334',
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 ${UNBROKEN}`,
    contractSha256: 'a'.repeat(64),
    version: 'FAA-2026.1',
  });

/** `pdffonts`: one row per font, the "emb" column yes or no. */
const fonts = (file: string): { name: string; embedded: boolean }[] =>
  execFileSync('pdffonts', [file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name, type (one or two words), encoding, emb, sub, uni, object, ID: "emb" is the fifth from the end.
      return { name: columns[0] ?? '', embedded: columns[columns.length - 5] === 'yes' };
    });

interface Box {
  page: number;
  word: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** `pdftotext -bbox`: every word with its box, in points from the page's top left. */
const words = (file: string): { pages: { width: number; height: number }[]; boxes: Box[] } => {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const pages = [...html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">/g)].map((m) => ({
    width: Number(m[1]),
    height: Number(m[2]),
  }));
  const boxes: Box[] = [];
  let page = -1;
  for (const line of html.split('\n')) {
    if (line.includes('<page ')) page++;
    const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(line);
    if (m)
      boxes.push({
        page,
        word: m[5] ?? '',
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
      });
  }
  return { pages, boxes };
};

// Half a point for rounding in poppler's boxes.
const TOLERANCE = 0.5;

const outside = (file: string): Box[] => {
  const { pages, boxes } = words(file);
  expect(pages.length).toBeGreaterThanOrEqual(1);
  expect(boxes.length).toBeGreaterThan(100);
  return boxes.filter((b) => {
    const p = pages[b.page] ?? { width: 0, height: 0 };
    return (
      b.xMin < PAGE.margin - TOLERANCE ||
      b.xMax > p.width - PAGE.margin + TOLERANCE ||
      b.yMin < PAGE.margin - TOLERANCE ||
      b.yMax > p.height - PAGE.margin + TOLERANCE
    );
  });
};

describe('the contract PDF', () => {
  it('embeds every font it uses', async () => {
    const file = await write('signed.pdf', await signed('Sam Lee'));
    const used = fonts(file);
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(used.filter((font) => !font.embedded)).toEqual([]);
  });

  it.each([
    ['a short name', 'Sam Lee'],
    ['a long name', LONG_NAME],
    ['a name longer than a line, in one word', UNBROKEN],
  ])(
    'keeps every word inside the margins, with %s, on the contract and the signature page',
    async (_label, name) => {
      const file = await write('margins.pdf', await signed(name));
      expect(outside(file)).toEqual([]);
    },
  );

  it('writes the name as given, the date as people read it, and a character the font lacks as "?"', async () => {
    const file = await write('text.pdf', await signed('Zoë Łukasiewicz 🙂'));
    const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Zoë Łukasiewicz ?');
    expect(text).toContain('Date 16 December 2026');
    expect(text).toContain('Signed at: 16 December 2026, 10:05 (London time)');
    expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
  });
});
