import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { TalesCredentialsError } from './errors';

/** Headers that authorize a request to `url` (with `body`, whose hash the signature covers). */
export type RequestSigner = (method: string, url: URL, body?: string) => Promise<Record<string, string>>;

export interface SignerOptions {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/**
 * SigV4 for Lambda Function URLs with IAM auth (service `lambda`), by the AWS SDK's own signer. The
 * returned headers leave out `host`: fetch sends the URL's host, which is the one signed.
 */
export function createSigner({ region, credentials }: SignerOptions): RequestSigner {
  const signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: Sha256 });
  return async (method, url, body) => {
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { host: url.host },
      ...(body !== undefined ? { body } : {}),
    });
    const { headers } = await signer.sign(request).catch((error: unknown) => {
      // The SDK's chain names every provider it tried, in a stack trace: the fix is the same whichever failed.
      throw (error as { name?: unknown }).name === 'CredentialsProviderError' ? new TalesCredentialsError() : error;
    });
    const { host: _host, ...rest } = headers;
    return rest;
  };
}

const FUNCTION_URL_HOST = /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/;

/** The region in a Function URL's host name (`<id>.lambda-url.<region>.on.aws`); undefined for any other host. */
export function functionUrlRegion(url: URL): string | undefined {
  return FUNCTION_URL_HOST.exec(url.hostname)?.[1];
}
