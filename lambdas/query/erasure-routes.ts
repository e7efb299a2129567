import type { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseActorId } from '../../shared/erasure/actor-id';
import { type ErasureStore, eraseActor, readErasure } from '../../shared/erasure/erase-actor';
import { ErasedActors } from '../../shared/erasure/erased-actors';
import { ErasureInputError, ErasureNotFoundError } from '../../shared/erasure/errors';
import { ERASURE_ID_PATTERN, ErasureKeys } from '../../shared/erasure/keys';
import { EraserPolicy } from '../../shared/erasure/principal';
import { type ErasureRecord, statusOf } from '../../shared/erasure/record';
import { HttpError } from '../../shared/http/errors';
import { errorResponse, type HttpResponse, jsonResponse, methodNotAllowed } from '../../shared/http/response';
import type { KeyLayout } from '../../shared/layout/keys';

export interface ErasureDeps {
  readonly store: ErasureStore;
  /** Who holds the erase grant. */
  readonly erasers: EraserPolicy;
  /** The erased set, revalidated by every query. */
  readonly erased: ErasedActors;
}

/** The erasure routes' store, grant and erased set, for one warm Lambda. */
export function createErasureDeps(s3: S3Client, bucket: string, layout: KeyLayout, erasers: readonly string[]): ErasureDeps {
  const keys = new ErasureKeys(layout);
  return { store: { s3, bucket, keys }, erasers: new EraserPolicy(erasers), erased: new ErasedActors(s3, bucket, keys) };
}

interface RouteLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

const ACTOR_PATH = /^\/actors\/([^/]*)$/;
const ERASURE_PATH = /^\/erasures\/([^/]*)$/;

/** Whether `path` is one of the erasure routes: `/actors/{id}` and `/erasures/{id}`. */
export function isErasurePath(path: string): boolean {
  return ACTOR_PATH.test(path) || ERASURE_PATH.test(path);
}

/**
 * `DELETE /actors/{id}` records an erasure (hidden from queries when it returns) and `GET /erasures/{id}`
 * reports it. Both need the erase grant: the caller's IAM principal must be one TalesLog.grantErase named.
 */
export async function handleErasure(
  event: APIGatewayProxyEventV2,
  deps: ErasureDeps,
  now: number,
  logger: RouteLogger,
): Promise<HttpResponse> {
  const { method } = event.requestContext.http;
  const path = event.rawPath;
  const actorMatch = ACTOR_PATH.exec(path);
  if (actorMatch && method !== 'DELETE') return methodNotAllowed(method, path, 'DELETE');
  if (!actorMatch && method !== 'GET') return methodNotAllowed(method, path, 'GET');
  const principal = principalOfEvent(event);
  if (!deps.erasers.allows(principal)) {
    return errorResponse(
      new HttpError(403, 'erasure_forbidden', `${principal ?? 'an unsigned caller'} does not hold the erase grant (TalesLog.grantErase)`),
    );
  }
  try {
    if (actorMatch) {
      const actor = parseActorId(decodeURIComponent(actorMatch[1] ?? ''));
      const record = await eraseActor(deps.store, { actor, principal: principal ?? 'unsigned', now });
      logger.info('erasure', { id: record.id, actor, principal: record.principal, requestedAt: record.requestedAt });
      return jsonResponse(200, erasureBody(record), { 'cache-control': 'no-store' });
    }
    const id = decodeURIComponent(ERASURE_PATH.exec(path)?.[1] ?? '');
    const record = ERASURE_ID_PATTERN.test(id) ? await readErasure(deps.store, id) : undefined;
    if (!record) throw new ErasureNotFoundError(id);
    return jsonResponse(200, erasureBody(record), { 'cache-control': 'no-store' });
  } catch (error) {
    if (error instanceof ErasureInputError) return errorResponse(new HttpError(400, error.code, error.message));
    if (error instanceof ErasureNotFoundError) return errorResponse(new HttpError(404, 'erasure_not_found', error.message));
    logger.error('erasure failed', { error, path });
    return errorResponse(error);
  }
}

/** What the erasure routes answer: the audit record and its status. */
function erasureBody(record: ErasureRecord) {
  return {
    id: record.id,
    actor: record.actor,
    status: statusOf(record),
    days: record.days ?? null,
    requestedAt: new Date(record.requestedAt).toISOString(),
    principal: record.principal,
    ...(record.purgedAt !== undefined ? { purgedAt: new Date(record.purgedAt).toISOString() } : {}),
  };
}

/** The signer's ARN that a Function URL with IAM auth reports; undefined without IAM auth. */
function principalOfEvent(event: APIGatewayProxyEventV2): string | undefined {
  const context = event.requestContext as { authorizer?: { iam?: { userArn?: unknown } } };
  const arn = context.authorizer?.iam?.userArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}
