import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/**
 * A small S3-compatible endpoint on 127.0.0.1 for tests, so the real `@aws-sdk/client-s3` (signing,
 * checksums, XML parsing, the paginator) runs over HTTP. It speaks path-style requests only and
 * implements PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2 as S3 documents them:
 * SigV4 signatures are verified against one key pair, the payload hash, Content-MD5 and
 * x-amz-checksum-* headers are checked (BadDigest), GetObject with checksum mode returns the stored
 * checksum, and ListObjectsV2 pages through keys in UTF-8 order with continuation tokens. Anything
 * else is answered 501 NotImplemented, so a new kind of request fails loudly instead of passing.
 *
 * s3rver (the npm in-process S3 server) was tried first: its last release is 3.7.1 of 2021, and on
 * Node 20 its ListObjectsV2 fails with 500 as soon as a page is truncated (its continuation token
 * uses DES, which OpenSSL 3 no longer offers); it also stores bytes whose x-amz-checksum-sha256 is wrong.
 */

export interface StoredObject {
  bytes: Buffer;
  lastModified: Date;
  etag: string;
  contentType: string;
  /** e.g. { sha256: base64 }, from the x-amz-checksum-* headers of the PUT. */
  checksums: Record<string, string>;
}

export interface RecordedS3Request {
  method: string;
  /** The path as sent, e.g. /bucket/ab/abcdef… */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface S3TestEndpoint {
  /** http://127.0.0.1:PORT, what S3_ENDPOINT is set to. */
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The objects of one bucket by key, to inspect or tamper with. */
  bucket(name: string): Map<string, StoredObject>;
  requests: RecordedS3Request[];
  close(): Promise<void>;
}

export interface S3TestEndpointOptions {
  buckets: string[];
  /** The most keys one ListObjectsV2 page holds, whatever max-keys asks (S3 itself: 1000). */
  pageSize?: number;
}

class S3Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CHECKSUMS = {
  sha256: (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('base64'),
  sha1: (bytes: Buffer) => crypto.createHash('sha1').update(bytes).digest('base64'),
  crc32: (bytes: Buffer) => {
    const value = Buffer.alloc(4);
    value.writeUInt32BE(zlib.crc32(bytes));
    return value.toString('base64');
  },
} as const;

export async function startS3TestEndpoint(options: S3TestEndpointOptions): Promise<S3TestEndpoint> {
  const credentials = {
    accessKeyId: 'AKIATESTENDPOINT',
    secretAccessKey: crypto.randomBytes(30).toString('base64'),
  };
  const buckets = new Map(options.buckets.map((name) => [name, new Map<string, StoredObject>()]));
  const pageSize = options.pageSize ?? 1000;
  const requests: RecordedS3Request[] = [];

  const handle = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, bucketName = '', ...keyParts] = rawPath(req).split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    verifySignature(req, url.searchParams, body, credentials);
    const objects = buckets.get(bucketName);
    if (!objects) throw new S3Failure(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (!key) {
      if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
        return sendXml(res, 200, listObjectsV2(bucketName, objects, url.searchParams, pageSize));
      }
      throw new S3Failure(501, 'NotImplemented', `${req.method} on a bucket is not implemented here`);
    }
    switch (req.method) {
      case 'PUT': {
        if (req.headers['x-amz-copy-source']) throw new S3Failure(501, 'NotImplemented', 'CopyObject');
        const checksums = verifyPayload(req, body);
        const etag = `"${crypto.createHash('md5').update(body).digest('hex')}"`;
        const contentType = req.headers['content-type'] ?? 'binary/octet-stream';
        objects.set(key, { bytes: body, lastModified: new Date(), etag, contentType, checksums });
        res.writeHead(200, { etag, ...checksumHeaders(checksums) });
        return res.end();
      }
      case 'GET':
      case 'HEAD': {
        const object = objects.get(key);
        if (!object) throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, {
          'content-type': object.contentType,
          'content-length': object.bytes.length,
          etag: object.etag,
          'last-modified': object.lastModified.toUTCString(),
          ...(req.headers['x-amz-checksum-mode'] === 'ENABLED' ? checksumHeaders(object.checksums) : {}),
        });
        return res.end(req.method === 'GET' ? object.bytes : undefined);
      }
      case 'DELETE':
        objects.delete(key);
        res.writeHead(204);
        return res.end();
      default:
        throw new S3Failure(501, 'NotImplemented', `${req.method} is not implemented here`);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch (error) {
        const failure =
          error instanceof S3Failure ? error : new S3Failure(500, 'InternalError', String(error));
        const xml = `<Error><Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error>`;
        if (req.method === 'HEAD') {
          res.writeHead(failure.status);
          res.end();
        } else {
          sendXml(res, failure.status, xml);
        }
      }
      requests.push({
        method: req.method ?? '',
        path: rawPath(req),
        query: new URL(req.url ?? '/', 'http://127.0.0.1').searchParams,
        headers: req.headers,
        status: res.statusCode,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    bucket(name) {
      const objects = buckets.get(name);
      if (!objects) throw new Error(`no bucket ${name}`);
      return objects;
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** AWS Signature Version 4, header form, as S3 checks it (the path is signed as sent, not re-encoded). */
function verifySignature(
  req: http.IncomingMessage,
  params: URLSearchParams,
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string },
) {
  const authorization = req.headers.authorization ?? '';
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) throw new S3Failure(403, 'AccessDenied', 'Access Denied (no SigV4 authorization header)');
  const [, accessKeyId = '', date = '', region = '', signedHeaders = '', signature = ''] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    throw new S3Failure(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist.');
  }
  const payloadHash = header(req, 'x-amz-content-sha256');
  if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    if (crypto.createHash('sha256').update(body).digest('hex') !== payloadHash) {
      throw new S3Failure(
        400,
        'XAmzContentSHA256Mismatch',
        'The provided x-amz-content-sha256 does not match.',
      );
    }
  } else if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    throw new S3Failure(501, 'NotImplemented', `x-amz-content-sha256: ${payloadHash}`);
  }
  const query = [...params]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerLines = signedHeaders
    .split(';')
    .map((name) => `${name}:${header(req, name).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [req.method, rawPath(req), query, headerLines, signedHeaders, payloadHash].join(
    '\n',
  );
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    header(req, 'x-amz-date'),
    scope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  let signingKey: Buffer = Buffer.from(`AWS4${credentials.secretAccessKey}`);
  for (const part of [date, region, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
  if (hmac(signingKey, stringToSign).toString('hex') !== signature) {
    throw new S3Failure(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match.');
  }
}

/** Checks Content-MD5 and every x-amz-checksum-* header against the body; returns the checksums to keep. */
function verifyPayload(req: http.IncomingMessage, body: Buffer): Record<string, string> {
  if (req.headers['content-encoding']?.includes('aws-chunked')) {
    throw new S3Failure(501, 'NotImplemented', 'aws-chunked uploads');
  }
  const md5 = req.headers['content-md5'];
  if (md5 !== undefined && md5 !== crypto.createHash('md5').update(body).digest('base64')) {
    throw new S3Failure(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const checksums: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const algorithm = /^x-amz-checksum-(.+)$/.exec(name)?.[1];
    if (!algorithm || algorithm === 'mode' || typeof value !== 'string') continue;
    if (!(algorithm in CHECKSUMS)) throw new S3Failure(501, 'NotImplemented', `x-amz-checksum-${algorithm}`);
    if (CHECKSUMS[algorithm as keyof typeof CHECKSUMS](body) !== value) {
      throw new S3Failure(
        400,
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
    checksums[algorithm] = value;
  }
  return checksums;
}

function listObjectsV2(
  bucketName: string,
  objects: Map<string, StoredObject>,
  params: URLSearchParams,
  pageSize: number,
): string {
  for (const unsupported of ['delimiter', 'encoding-type']) {
    if (params.has(unsupported)) throw new S3Failure(501, 'NotImplemented', `ListObjectsV2 ${unsupported}`);
  }
  const prefix = params.get('prefix') ?? '';
  const maxKeys = Number(params.get('max-keys') ?? 1000);
  const token = params.get('continuation-token');
  const after = token !== null ? decodeToken(token) : (params.get('start-after') ?? '');
  const keys = [...objects.keys()]
    .filter((key) => key.startsWith(prefix) && utf8Order(key, after) > 0)
    .sort(utf8Order);
  const page = keys.slice(0, Math.min(maxKeys, pageSize));
  const truncated = page.length < keys.length;
  const last = page.at(-1);
  const contents = page.map((key) => {
    const object = objects.get(key) as StoredObject;
    return [
      '<Contents>',
      `<Key>${escapeXml(key)}</Key>`,
      `<LastModified>${object.lastModified.toISOString()}</LastModified>`,
      `<ETag>${escapeXml(object.etag)}</ETag>`,
      `<Size>${object.bytes.length}</Size>`,
      '<StorageClass>STANDARD</StorageClass>',
      '</Contents>',
    ].join('');
  });
  return [
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${escapeXml(bucketName)}</Name>`,
    `<Prefix>${escapeXml(prefix)}</Prefix>`,
    `<KeyCount>${page.length}</KeyCount>`,
    `<MaxKeys>${maxKeys}</MaxKeys>`,
    `<IsTruncated>${truncated}</IsTruncated>`,
    token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '',
    truncated && last ? `<NextContinuationToken>${encodeToken(last)}</NextContinuationToken>` : '',
    ...contents,
    '</ListBucketResult>',
  ].join('');
}

function encodeToken(key: string): string {
  return Buffer.from(key).toString('base64url');
}

function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString();
  if (!token || encodeToken(key) !== token) {
    throw new S3Failure(400, 'InvalidArgument', 'The continuation token provided is incorrect');
  }
  return key;
}

/** S3 lists keys in UTF-8 binary order. */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(checksums).map(([name, value]) => [`x-amz-checksum-${name}`, value]),
  );
}

function sendXml(res: http.ServerResponse, status: number, xml: string) {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

/** The path exactly as sent (S3 signs it so: not decoded, not normalised). */
function rawPath(req: http.IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function header(req: http.IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function hmac(key: Buffer, text: string): Buffer {
  return crypto.createHmac('sha256', key).update(text).digest();
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}
