import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../shared/aws/s3-client';

/** Which S3 call of an attempt fails, and how. */
export interface Fault {
  /** 1-based position among the calls counted (all calls, or only those of `command`). */
  readonly call: number;
  /** `request`: the call never reaches S3; `response`: S3 applies it, then the answer is lost. */
  readonly lost: 'request' | 'response';
  /** Like a Lambda crash: every later call of the attempt fails too. @default false */
  readonly crash?: boolean;
  /** Count only this command, e.g. 'PutObjectCommand'. @default - every command */
  readonly command?: string;
  /** Count only calls on this key. @default - every key */
  readonly key?: string;
}

export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** A real S3 client for a local server (or the given client, e.g. a MemoryS3's) that fails as a `Fault` says; `arm` starts a new attempt. */
export interface FaultyS3 {
  readonly s3: S3Client;
  arm(fault?: Fault): void;
  /** Commands sent since the last `arm`, in order. */
  readonly sent: string[];
  /** Whether a crash fault fired since the last `arm`. */
  readonly crashed: boolean;
}

export function faultyS3(target: string | S3Client): FaultyS3 {
  const s3 = typeof target === 'string' ? createS3Client({ endpoint: target }) : target;
  const sent: string[] = [];
  let fault: Fault | undefined;
  let counted = 0;
  let dead = false;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName as string;
      const key = (args.input as { Key?: string }).Key;
      sent.push(command);
      if (dead) throw new InjectedFault(`${command} after the crash`);
      const counts = fault && (!fault.command || fault.command === command) && (!fault.key || fault.key === key);
      if (!fault || !counts || ++counted !== fault.call) return next(args);
      dead = fault.crash ?? false;
      if (fault.lost === 'request') throw new InjectedFault(`${command} request lost`);
      await next(args);
      throw new InjectedFault(`${command} response lost`);
    },
    { step: 'initialize', name: 'faultInjection' },
  );
  return {
    s3,
    sent,
    get crashed() {
      return dead;
    },
    arm(next) {
      fault = next;
      counted = 0;
      dead = false;
      sent.length = 0;
    },
  };
}
