import { parentPort } from 'node:worker_threads';
import { inspectPdf, loadPdfJs, PdfError, readPdf } from './pdf.js';
import type { PdfWorkerReply, PdfWorkerRequest } from './pdf-reader.js';

/**
 * PDFs in a thread of their own with a memory limit (see pdf-reader.ts): the worker loads pdf.js,
 * says it is ready, then answers requests one at a time. A worker that reads pages handles one
 * document and is terminated; one that counts pages for intake is kept until it hits a limit.
 */

const port = parentPort;
if (!port) throw new Error('pdf.worker must run in a worker thread');
const post = (reply: PdfWorkerReply) => port.postMessage(reply);

async function handle(request: PdfWorkerRequest): Promise<PdfWorkerReply> {
  try {
    if (request.task === 'inspect') {
      return { type: 'inspected', pages: await inspectPdf(request.bytes, request.options) };
    }
    return { type: 'read', document: await readPdf(request.bytes, request.options) };
  } catch (error) {
    return error instanceof PdfError
      ? { type: 'error', code: error.code, message: error.message }
      : { type: 'error', code: 'PDF_INVALID', message: 'The PDF could not be read.' };
  }
}

port.on('message', (request: PdfWorkerRequest) => {
  void handle(request).then(post);
});
await loadPdfJs();
post({ type: 'ready' });
