import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { TalesClientError } from './errors';
import { createSigner, functionUrlRegion, type RequestSigner } from './signer';

/** Where a client sends its requests and how it signs them; shared by the query and ingest clients and the CLI. */
export interface FunctionUrlOptions {
  /** The Function URL (or a local server's base URL), e.g. `https://abc.lambda-url.eu-west-1.on.aws/`. */
  readonly url: string;
  /** Region to sign for. @default - the region in a Function URL's host name */
  readonly region?: string;
  /** @default - the standard AWS credential chain (fromNodeProviderChain) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Send requests unsigned, to a local endpoint without IAM auth. @default false */
  readonly unsigned?: boolean;
  /** Host names besides https Lambda Function URL hosts to sign requests for (a custom domain in front of them). @default - none */
  readonly signHosts?: readonly string[];
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** `<url>/events`, and a fetch that signs each request with SigV4 (service lambda) unless `unsigned`. */
export class FunctionUrl {
  readonly events: URL;
  private readonly sign: RequestSigner | undefined;
  private readonly fetch: typeof fetch;

  constructor(options: FunctionUrlOptions) {
    this.events = new URL(options.url);
    this.events.pathname = `${this.events.pathname.replace(/\/+$/, '')}/events`;
    this.fetch = options.fetch ?? globalThis.fetch;
    if (!options.unsigned) {
      const region = options.region ?? functionUrlRegion(this.events);
      if (!region) {
        throw new TalesClientError(
          `region is required to sign requests to ${this.events.host}, which is not a Function URL (<id>.lambda-url.<region>.on.aws): pass region (in the CLI, --region or AWS_REGION)`,
        );
      }
      this.sign = createSigner({
        region,
        credentials: options.credentials ?? fromNodeProviderChain(),
        ...(options.signHosts ? { signHosts: options.signHosts } : {}),
      });
    }
  }

  /** Sends a request to `url` (below `events`) and reads its answer as text. */
  async request(
    method: 'GET' | 'POST' | 'DELETE',
    url: URL,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; text: string }> {
    const signed = this.sign ? await this.sign(method, url, body) : {};
    const response = await this.fetch(url, { method, headers: { ...headers, ...signed }, ...(body !== undefined ? { body } : {}) });
    return { status: response.status, text: await response.text() };
  }
}

/** The `{"error":{"code","message"}}` of a Tales answer, or what AWS answers in front of it (IAM denials). */
export function errorFields(status: number, text: string): { code: string; message: string } {
  const body = parseJson(text) as { error?: { code?: unknown; message?: unknown }; Message?: unknown; message?: unknown } | undefined;
  const { code, message } = body?.error ?? {};
  if (typeof code === 'string' && typeof message === 'string') return { code, message };
  const other = body?.Message ?? body?.message;
  return { code: `http_${status}`, message: typeof other === 'string' ? other : text.slice(0, 200) || `HTTP ${status}` };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
