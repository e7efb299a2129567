import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export interface FunctionUrlRequest {
  readonly method?: string;
  readonly path?: string;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** The query string as sent. @default - `query` encoded */
  readonly rawQueryString?: string;
  /** @default 'request-1' */
  readonly requestId?: string;
  /** When the request arrived, in epoch ms. @default 0 */
  readonly timeEpoch?: number;
  /** @default '127.0.0.1' */
  readonly sourceIp?: string;
}

/** A Lambda Function URL request (payload format 2.0) as the service delivers it: header names lower-cased. */
export function functionUrlEvent({
  method = 'GET',
  path = '/',
  body,
  isBase64Encoded = false,
  headers = {},
  query,
  rawQueryString = query ? new URLSearchParams(query).toString() : '',
  requestId = 'request-1',
  timeEpoch = 0,
  sourceIp = '127.0.0.1',
}: FunctionUrlRequest): APIGatewayProxyEventV2 {
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers: { host: 'abc.lambda-url.us-east-1.on.aws', ...lowered },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: lowered['user-agent'] ?? 'test' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(timeEpoch),
      timeEpoch,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` in the service's format, e.g. `01/Jul/2026:00:00:00 +0000`. */
function requestTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(8, 10)}/${MONTHS[new Date(epochMs).getUTCMonth()]}/${iso.slice(0, 4)}:${iso.slice(11, 19)} +0000`;
}

/** A Lambda context with `remainingMs` of budget left. */
export function lambdaContext(remainingMs = 10_000, awsRequestId = 'aws-request-1'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
