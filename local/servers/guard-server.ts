import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { errorResponse } from '../../shared/http/response';
import { type GuardRules, refusal } from '../http/request-guard';
import { writeResponse } from '../http/write-response';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Puts the local guard in front of a server made by a library (kinesalite, s3rver): their own listeners
 * answer any Origin with `Access-Control-Allow-Origin: *`, so a refused request must never reach them.
 */
export function guardServer(server: Server, rules: GuardRules): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const refused = refusal(request, rules);
    if (refused) {
      writeResponse(response, errorResponse(refused));
      return;
    }
    for (const listener of listeners) listener.call(server, request, response);
  });
}
