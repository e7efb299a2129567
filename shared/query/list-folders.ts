import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import type { QueryContext } from './context';
import { StoreReadError } from './errors';
import type { QueryStats } from './stats';

/** The sub-folders of `prefix` in key order (ListObjectsV2 with delimiter '/', every page), lazily. */
export async function* listFolders(ctx: QueryContext, prefix: string, stats: QueryStats): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await ctx.s3.send(
        new ListObjectsV2Command({
          Bucket: ctx.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
    } catch (error) {
      throw new StoreReadError(prefix, error);
    }
    stats.countList();
    for (const { Prefix } of page.CommonPrefixes ?? []) if (Prefix !== undefined) yield Prefix;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
