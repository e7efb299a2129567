import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { concatenate } from '../../../shared/compact/concatenate';
import { planParts } from '../../../shared/compact/plan-parts';

const s3 = new S3Client({ region: 'us-east-1' });
const mock = mockClient(s3);
const body = (bytes: Uint8Array) => sdkStreamMixin(Readable.from([Buffer.from(bytes)]));

beforeEach(() => {
  mock.reset();
  mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  mock.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"copied"' } });
  mock.on(UploadPartCommand).resolves({ ETag: '"uploaded"' });
  mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-2"' });
  mock.on(AbortMultipartUploadCommand).resolves({});
  mock.on(GetObjectCommand).callsFake((input: { Range: string }) => {
    const [, a, b] = /bytes=(\d+)-(\d+)/.exec(input.Range) as RegExpExecArray;
    return { Body: body(new Uint8Array(Number(b) - Number(a) + 1).fill(1)) };
  });
});

describe('concatenate', () => {
  it('copies large regions inside S3, bound to their ETags, and uploads the small ones it downloaded', async () => {
    const parts = planParts(
      [
        { key: 'v1/a.tale', etag: '"a"', offset: 100, length: 30 },
        { key: 'v1/b c.tale', etag: '"b"', offset: 200, length: 250 },
      ],
      100,
    );
    const { etag, stats } = await concatenate(s3, 'bucket', 'v1/out.blocks', parts);
    expect(etag).toBe('"whole-2"');
    expect(stats).toEqual({ parts: 2, copiedBytes: 180, downloadedBytes: 100, uploadedBytes: 100 });
    expect(mock).toHaveReceivedCommandWith(GetObjectCommand, { Key: 'v1/b c.tale', IfMatch: '"b"', Range: 'bytes=200-269' });
    expect(mock).toHaveReceivedCommandWith(UploadPartCopyCommand, {
      UploadId: 'up-1',
      PartNumber: 2,
      CopySource: 'bucket/v1%2Fb%20c.tale',
      CopySourceIfMatch: '"b"',
      CopySourceRange: 'bytes=270-449',
    });
    expect(mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      MultipartUpload: {
        Parts: [
          { ETag: '"uploaded"', PartNumber: 1 },
          { ETag: '"copied"', PartNumber: 2 },
        ],
      },
    });
  });

  it('downloads every part when server-side copy is off', async () => {
    const parts = planParts([{ key: 'k', etag: '"e"', offset: 0, length: 250 }], 100);
    const { stats } = await concatenate(s3, 'bucket', 'out', parts, { serverSideCopy: false });
    expect(stats).toEqual({ parts: 1, copiedBytes: 0, downloadedBytes: 250, uploadedBytes: 250 });
    expect(mock).not.toHaveReceivedCommand(UploadPartCopyCommand);
  });

  it('aborts the upload when a part fails, so no half object is left billed', async () => {
    mock.on(UploadPartCopyCommand).rejects(new Error('PreconditionFailed'));
    const parts = planParts([{ key: 'k', etag: '"e"', offset: 0, length: 250 }], 100);
    await expect(concatenate(s3, 'bucket', 'out', parts)).rejects.toThrow('PreconditionFailed');
    expect(mock).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'up-1', Key: 'out' });
    expect(mock).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  });
});
