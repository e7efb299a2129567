import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** The sub-folders of `prefix` in key order (ListObjectsV2 with delimiter '/', every page), lazily. */
export async function* listFolders(
  s3: S3Client,
  bucket: string,
  prefix: string,
  options: { readonly startAfter?: string; readonly onPage?: () => void } = {},
): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        Delimiter: '/',
        StartAfter: token ? undefined : options.startAfter,
        ContinuationToken: token,
      }),
    );
    options.onPage?.();
    for (const { Prefix } of page.CommonPrefixes ?? []) if (Prefix !== undefined) yield Prefix;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
