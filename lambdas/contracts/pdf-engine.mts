/**
 * pdf-lib and fontkit, the PDF engine of lambdas/contracts/contract-pdf.ts, as a module of its own: a Lambda bundle
 * leaves `./pdf-engine.mjs` external and ships this file built beside its index.mjs (lib/bundling.ts
 * PDF_ENGINE), so the 1.4 MB of the engine is neither parsed nor evaluated at cold start, only when a PDF is made
 * (issue 10). Outside a Lambda bundle `./pdf-engine.mjs` resolves to this source.
 */
export { default as fontkit } from '@pdf-lib/fontkit';
export { PDFDocument, rgb } from 'pdf-lib';
