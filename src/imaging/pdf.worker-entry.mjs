// Worker threads do not inherit a TypeScript loader under every runner (vitest, plain node): register tsx,
// then load the TypeScript worker, as the OCR worker does (src/ocr/ocr.worker-entry.mjs). pdf.js is plain
// JavaScript and large: imported first, it loads without passing through the TypeScript loader's hooks
// (several times faster), and the worker's own imports of it find it loaded.
import 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import 'pdfjs-dist/legacy/build/pdf.mjs';
import { register } from 'tsx/esm/api';

register();
await import('./pdf.worker.ts');
