import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { HttpHandlerOptions } from '@smithy/types';

/**
 * An S3 that lives in memory and answers the real SDK through a request handler, so every call goes
 * through the SDK's serialisation as it would against AWS. It can model S3's cost: each request waits
 * a first-byte latency plus its bytes at a per-request bandwidth, requests overlapping as the caller
 * issues them. Unlike s3rver it enforces what S3 enforces: conditional writes (`If-None-Match: *`,
 * `If-Match`), UploadPartCopy with `x-amz-copy-source-if-match`, and the 5 MiB minimum part size.
 */
export interface MemoryS3Options {
  /** Wait before each answer, ms. @default 0 */
  readonly firstByteMs?: number;
  /** Bytes per second of one request's body (in or out). @default Infinity */
  readonly bytesPerSecond?: number;
  /** How a request waits its modelled time. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Keep object versions, as a versioned bucket does: an overwritten or deleted object stays as a
   * noncurrent version, listed by ListObjectVersions and read or deleted by version id. @default false
   */
  readonly versioned?: boolean;
  /** Called once each request is answered: the per-request picture of a query plan. @default - none */
  readonly onRequest?: (request: RequestTrace) => void;
}

/** One request as the store answered it: what was asked, when (performance.now()) and what it cost. */
export interface RequestTrace {
  readonly method: string;
  readonly key: string;
  readonly range?: string;
  readonly status: number;
  /** Body bytes answered. */
  readonly bytes: number;
  readonly started: number;
  readonly ended: number;
}

export interface S3Counts {
  gets: number;
  heads: number;
  puts: number;
  lists: number;
  deletes: number;
  /** Body bytes answered to GETs. */
  bytesOut: number;
  /** Body bytes received by PUTs and parts. */
  bytesIn: number;
}

interface StoredObject {
  readonly body: Uint8Array;
  readonly etag: string;
  readonly modified: Date;
  /** Set in a versioned store. */
  readonly versionId?: string;
}

interface Upload {
  readonly key: string;
  readonly parts: Map<number, StoredObject>;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;

export class MemoryS3 {
  readonly objects = new Map<string, StoredObject>();
  /** Versioned stores: each key's noncurrent versions, newest first. */
  readonly noncurrent = new Map<string, StoredObject[]>();
  readonly counts: S3Counts = MemoryS3.zero();
  private readonly versioned: boolean;
  private readonly uploads = new Map<string, Upload>();
  private readonly firstByteMs: number;
  private readonly bytesPerSecond: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRequest: ((request: RequestTrace) => void) | undefined;

  constructor(
    readonly bucket = 'tales-test',
    options: MemoryS3Options = {},
  ) {
    this.firstByteMs = options.firstByteMs ?? 0;
    this.bytesPerSecond = options.bytesPerSecond ?? Number.POSITIVE_INFINITY;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.versioned = options.versioned ?? false;
    this.onRequest = options.onRequest;
  }

  private static zero(): S3Counts {
    return { gets: 0, heads: 0, puts: 0, lists: 0, deletes: 0, bytesOut: 0, bytesIn: 0 };
  }

  /** Zeroes the counters (between the phases of a bench), returning what they held. */
  resetCounts(): S3Counts {
    const before = { ...this.counts };
    Object.assign(this.counts, MemoryS3.zero());
    return before;
  }

  /** A real SDK client whose requests this store answers. */
  client(): S3Client {
    return new S3Client({
      region: 'us-east-1',
      endpoint: 'http://memory-s3.localhost',
      forcePathStyle: true,
      credentials: { accessKeyId: 'MEMORY', secretAccessKey: 'MEMORY' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      requestHandler: {
        metadata: { handlerProtocol: 'http/1.1' },
        handle: (request: HttpRequest, _options?: HttpHandlerOptions) => this.handle(request),
        updateHttpClientConfig: () => undefined,
        httpHandlerConfigs: () => ({}),
        destroy: () => undefined,
      },
    });
  }

  /** The object's bytes, or undefined. */
  get(key: string): Uint8Array | undefined {
    return this.objects.get(key)?.body;
  }

  put(key: string, body: Uint8Array): void {
    this.retire(key);
    this.objects.set(key, stored(body, this.versioned));
  }

  private async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const started = performance.now();
    const [bucket, ...rest] = request.path.replace(/^\//, '').split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const query = request.query as Record<string, string | undefined>;
    const body = await readBody(request.body);
    const header = (name: string) => request.headers[name] ?? request.headers[name.toLowerCase()];
    let answer: Answer;
    if (decodeURIComponent(bucket ?? '') !== this.bucket) answer = error(404, 'NoSuchBucket', `no bucket ${bucket}`);
    else answer = this.route(request.method, key, query, body, header);
    const wait = this.firstByteMs + ((answer.body?.length ?? 0) + body.length) / (this.bytesPerSecond / 1000);
    if (wait > 0) await this.sleep(wait);
    const payload = answer.body ?? new Uint8Array(0);
    const range = header('range');
    this.onRequest?.({
      method: request.method,
      key,
      ...(range ? { range } : {}),
      status: answer.status,
      bytes: payload.length,
      started,
      ended: performance.now(),
    });
    return {
      response: new HttpResponse({
        statusCode: answer.status,
        // A HEAD answers the object's length with no body.
        headers: { 'content-length': String(payload.length), ...answer.headers },
        // One copy of the answer, as a socket delivers bytes of its own (Buffer.from of a Uint8Array copies element by element, ~4× slower).
        body: Readable.from(payload.length ? [Buffer.copyBytesFrom(payload)] : []),
      }),
    };
  }

  private route(
    method: string,
    key: string,
    query: Record<string, string | undefined>,
    body: Uint8Array,
    header: (name: string) => string | undefined,
  ): Answer {
    if (method === 'GET' && key === '' && 'versions' in query) return this.listVersions(query.prefix ?? '');
    if (method === 'GET' && key === '') return this.list(query);
    if (method === 'POST' && key === '' && 'delete' in query) return this.deleteMany(body);
    if (method === 'POST' && 'uploads' in query) return this.createUpload(key);
    if (method === 'POST' && query.uploadId) return this.complete(key, query.uploadId, body);
    if (method === 'PUT' && query.uploadId) return this.uploadPart(query.uploadId, Number(query.partNumber), body, header);
    if (method === 'DELETE' && query.uploadId) return this.uploads.delete(query.uploadId) ? { status: 204 } : noUpload(query.uploadId);
    if (method === 'GET' || method === 'HEAD') return this.read(method, key, header('range'), query.versionId);
    if (method === 'PUT') return this.write(key, body, header);
    if (method === 'DELETE') {
      this.counts.deletes++;
      if (query.versionId !== undefined) this.deleteVersion(key, query.versionId);
      else this.retire(key);
      return { status: 204 };
    }
    return error(405, 'MethodNotAllowed', `${method} is not modelled`);
  }

  private read(method: string, key: string, range: string | undefined, versionId?: string): Answer {
    if (method === 'HEAD') this.counts.heads++;
    else this.counts.gets++;
    const object = versionId === undefined ? this.objects.get(key) : this.versionOf(key, versionId);
    if (!object && versionId !== undefined) return error(404, 'NoSuchVersion', 'The specified version does not exist.');
    if (!object) return method === 'HEAD' ? { status: 404 } : error(404, 'NoSuchKey', 'The specified key does not exist.');
    const headers = { etag: object.etag, 'last-modified': object.modified.toUTCString() };
    if (method === 'HEAD') return { status: 200, headers: { ...headers, 'content-length': String(object.body.length) } };
    const size = object.body.length;
    const match = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (!match) {
      this.counts.bytesOut += size;
      return { status: 200, headers, body: object.body };
    }
    const start = Number(match[1]);
    const end = Math.min(match[2] ? Number(match[2]) : size - 1, size - 1);
    if (start >= size) return error(416, 'InvalidRange', 'The requested range is not satisfiable');
    const slice = object.body.subarray(start, end + 1);
    this.counts.bytesOut += slice.length;
    return { status: 206, headers: { ...headers, 'content-range': `bytes ${start}-${end}/${size}` }, body: slice };
  }

  private write(key: string, body: Uint8Array, header: (name: string) => string | undefined): Answer {
    this.counts.puts++;
    const existing = this.objects.get(key);
    const source = header('x-amz-copy-source');
    const failed = precondition(existing, header('if-none-match'), header('if-match'));
    if (failed) return failed;
    let bytes = body;
    if (source) {
      const copied = this.objects.get(copySourceKey(source, this.bucket));
      if (!copied) return error(404, 'NoSuchKey', 'The specified copy source does not exist.');
      bytes = copied.body;
    } else {
      this.counts.bytesIn += body.length;
    }
    const object = stored(bytes, this.versioned);
    this.retire(key);
    this.objects.set(key, object);
    if (source) return xml(200, `<CopyObjectResult><ETag>${object.etag}</ETag></CopyObjectResult>`, {});
    return { status: 200, headers: { etag: object.etag, ...(object.versionId ? { 'x-amz-version-id': object.versionId } : {}) } };
  }

  /** The current object leaves: kept as the newest noncurrent version in a versioned store. */
  private retire(key: string): void {
    const current = this.objects.get(key);
    if (!current) return;
    this.objects.delete(key);
    if (this.versioned) this.noncurrent.set(key, [current, ...(this.noncurrent.get(key) ?? [])]);
  }

  private versionOf(key: string, versionId: string): StoredObject | undefined {
    const current = this.objects.get(key);
    if (current?.versionId === versionId) return current;
    return this.noncurrent.get(key)?.find((version) => version.versionId === versionId);
  }

  /** Deletes one version for good; deleting the current one makes the newest noncurrent one current, as S3 does. */
  private deleteVersion(key: string, versionId: string): void {
    const older = this.noncurrent.get(key) ?? [];
    if (this.objects.get(key)?.versionId === versionId) {
      this.objects.delete(key);
      const [next, ...rest] = older;
      if (next) this.objects.set(key, next);
      this.noncurrent.set(key, rest);
    } else {
      this.noncurrent.set(
        key,
        older.filter((version) => version.versionId !== versionId),
      );
    }
  }

  /** ListObjectVersions in one page: each key's current version, then its noncurrent ones, newest first. */
  private listVersions(prefix: string): Answer {
    this.counts.lists++;
    const keys = [...new Set([...this.objects.keys(), ...this.noncurrent.keys()])].filter((key) => key.startsWith(prefix)).sort();
    const entry = (key: string, version: StoredObject, latest: boolean) =>
      `<Version><Key>${escapeXml(key)}</Key><VersionId>${version.versionId ?? 'null'}</VersionId><IsLatest>${latest}</IsLatest>` +
      `<LastModified>${version.modified.toISOString()}</LastModified><ETag>${escapeXml(version.etag)}</ETag><Size>${version.body.length}</Size></Version>`;
    const versions = keys.flatMap((key) => {
      const current = this.objects.get(key);
      return [
        ...(current ? [entry(key, current, true)] : []),
        ...(this.noncurrent.get(key) ?? []).map((version) => entry(key, version, false)),
      ];
    });
    return xml(
      200,
      `<ListVersionsResult><Name>${this.bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${versions.join('')}</ListVersionsResult>`,
      {},
    );
  }

  private list(query: Record<string, string | undefined>): Answer {
    this.counts.lists++;
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter;
    const maxKeys = Math.min(Number(query['max-keys'] ?? 1000), 1000);
    const after = query['continuation-token'] ?? query['start-after'] ?? '';
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
    const contents: string[] = [];
    const prefixes = new Set<string>();
    let last = '';
    let truncated = false;
    for (const key of keys) {
      if (contents.length + prefixes.size >= maxKeys) {
        truncated = true;
        break;
      }
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const common = key.slice(0, cut + (delimiter as string).length);
        if (prefixes.has(common)) continue;
        prefixes.add(common);
        // Resume past every key under this common prefix.
        last = `${common}\uffff`;
      } else {
        const object = this.objects.get(key) as StoredObject;
        contents.push(
          `<Contents><Key>${escapeXml(key)}</Key><LastModified>${object.modified.toISOString()}</LastModified>` +
            `<ETag>${escapeXml(object.etag)}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        );
        last = key;
      }
    }
    const listed =
      `<ListBucketResult><Name>${this.bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${contents.length + prefixes.size}</KeyCount>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextContinuationToken>${escapeXml(last)}</NextContinuationToken>` : '') +
      contents.join('') +
      [...prefixes].map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`).join('') +
      '</ListBucketResult>';
    return xml(200, listed, {});
  }

  private deleteMany(body: Uint8Array): Answer {
    const objects = [...new TextDecoder().decode(body).matchAll(/<Object>(.*?)<\/Object>/gs)].map((m) => ({
      key: unescapeXml(/<Key>([^<]*)<\/Key>/.exec(m[1] as string)?.[1] ?? ''),
      etag: /<ETag>([^<]*)<\/ETag>/.exec(m[1] as string)?.[1],
    }));
    this.counts.deletes++;
    const results = objects.map(({ key, etag }) => {
      const existing = this.objects.get(key);
      // A conditional delete: an object stored at another ETag stays.
      if (etag !== undefined && existing && existing.etag !== unescapeXml(etag)) {
        return `<Error><Key>${escapeXml(key)}</Key><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`;
      }
      this.objects.delete(key);
      return `<Deleted><Key>${escapeXml(key)}</Key></Deleted>`;
    });
    return xml(200, `<DeleteResult>${results.join('')}</DeleteResult>`, {});
  }

  private createUpload(key: string): Answer {
    this.counts.puts++;
    const id = randomUUID();
    this.uploads.set(id, { key, parts: new Map() });
    return xml(
      200,
      `<InitiateMultipartUploadResult><Bucket>${this.bucket}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      {},
    );
  }

  private uploadPart(id: string, part: number, body: Uint8Array, header: (name: string) => string | undefined): Answer {
    this.counts.puts++;
    const upload = this.uploads.get(id);
    if (!upload) return noUpload(id);
    const source = header('x-amz-copy-source');
    if (!source) {
      this.counts.bytesIn += body.length;
      const object = stored(body);
      upload.parts.set(part, object);
      return { status: 200, headers: { etag: object.etag } };
    }
    const copied = this.objects.get(copySourceKey(source, this.bucket));
    if (!copied) return error(404, 'NoSuchKey', 'The specified copy source does not exist.');
    const ifMatch = header('x-amz-copy-source-if-match');
    if (ifMatch && ifMatch !== copied.etag)
      return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    const range = /^bytes=(\d+)-(\d+)$/.exec(header('x-amz-copy-source-range') ?? '');
    const bytes = range ? copied.body.subarray(Number(range[1]), Number(range[2]) + 1) : copied.body;
    const object = stored(bytes);
    upload.parts.set(part, object);
    return xml(200, `<CopyPartResult><ETag>${object.etag}</ETag></CopyPartResult>`, {});
  }

  private complete(key: string, id: string, body: Uint8Array): Answer {
    this.counts.puts++;
    const upload = this.uploads.get(id);
    if (!upload || upload.key !== key) return noUpload(id);
    const numbers = [...new TextDecoder().decode(body).matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
    const parts = numbers.map((n) => upload.parts.get(n));
    if (parts.some((p) => !p)) return error(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
    const chosen = parts as StoredObject[];
    if (chosen.slice(0, -1).some((p) => p.body.length < MIN_PART_BYTES))
      return error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    const joined = Buffer.concat(chosen.map((p) => p.body));
    const digest = createHash('md5')
      .update(Buffer.concat(chosen.map((p) => Buffer.from(p.etag.replaceAll('"', ''), 'hex'))))
      .digest('hex');
    const object = { body: new Uint8Array(joined), etag: `"${digest}-${chosen.length}"`, modified: new Date() };
    this.objects.set(key, object);
    this.uploads.delete(id);
    return xml(
      200,
      `<CompleteMultipartUploadResult><Key>${escapeXml(key)}</Key><ETag>${object.etag}</ETag></CompleteMultipartUploadResult>`,
      {},
    );
  }
}

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
}

function stored(body: Uint8Array, versioned = false): StoredObject {
  return {
    body: new Uint8Array(body),
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    modified: new Date(),
    ...(versioned ? { versionId: randomUUID() } : {}),
  };
}

/** S3's answer to a write whose condition fails, or undefined when it holds. */
function precondition(existing: StoredObject | undefined, ifNoneMatch?: string, ifMatch?: string): Answer | undefined {
  if (ifNoneMatch === '*' && existing)
    return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  if (ifMatch !== undefined) {
    if (!existing) return error(404, 'NoSuchKey', 'The specified key does not exist.');
    if (existing.etag !== ifMatch) return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  }
  return undefined;
}

function copySourceKey(source: string, bucket: string): string {
  const path = decodeURIComponent(source.replace(/^\//, ''));
  return path.startsWith(`${bucket}/`) ? path.slice(bucket.length + 1) : path;
}

function error(status: number, code: string, message: string): Answer {
  return xml(status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`, {});
}

function noUpload(id: string): Answer {
  return error(404, 'NoSuchUpload', `The specified upload ${id} does not exist.`);
}

function xml(status: number, text: string, headers: Record<string, string>): Answer {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>${text}`),
  };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
}

async function readBody(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>)
      chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    return new Uint8Array(Buffer.concat(chunks));
  }
  throw new TypeError(`memory S3 cannot read a request body of type ${typeof body}`);
}
