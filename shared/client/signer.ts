import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { SigningRefusedError, TalesCredentialsError } from './errors';

/** Headers that authorize a request to `url` (with `body`, whose hash the signature covers). */
export type RequestSigner = (method: string, url: URL, body?: string) => Promise<Record<string, string>>;

export interface SignerOptions {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Host names besides https Lambda Function URL hosts that requests may be signed for (a custom domain in front of them). @default - none */
  readonly signHosts?: readonly string[];
}

/**
 * SigV4 for Lambda Function URLs with IAM auth (service `lambda`), by the AWS SDK's own signer. The
 * returned headers leave out `host`: fetch sends the URL's host, which is the one signed. A request
 * that `checkSigningTarget` refuses is never signed: the headers carry the access key id and session token.
 */
export function createSigner({ region, credentials, signHosts = [] }: SignerOptions): RequestSigner {
  const signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: Sha256 });
  return async (method, url, body) => {
    checkSigningTarget(url, signHosts);
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
const FUNCTION_URL = /^[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

/**
 * Throws a SigningRefusedError unless `url` is https to a Lambda Function URL host
 * (`<id>.lambda-url.<region>.on.aws`), or its host is one of `signHosts`, which the caller chose to trust.
 */
export function checkSigningTarget(url: URL, signHosts: readonly string[] = []): void {
  if ((url.protocol === 'https:' && FUNCTION_URL.test(url.hostname)) || signHosts.includes(url.hostname)) return;
  throw new SigningRefusedError(
    `refusing to sign a request to ${url.origin}: credentials go only over https to Lambda Function URL hosts ` +
      '(<id>.lambda-url.<region>.on.aws) or to a host named to sign for',
  );
}

/** The region in a Function URL's host name (`<id>.lambda-url.<region>.on.aws`); undefined for any other host. */
export function functionUrlRegion(url: URL): string | undefined {
  return FUNCTION_URL_HOST.exec(url.hostname)?.[1];
}
