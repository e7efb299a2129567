import { KeyLayout } from '../layout/keys';

/** Reads typed settings from an environment object once (at cold start); every fault names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

export function requireString(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`Environment variable ${name} is required`);
  return value;
}

export function optionalString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** An integer variable within `min..max`, or `fallback` when unset. */
export function optionalInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`Environment variable ${name} must be an integer in ${min}..${max} (given "${raw}")`);
  }
  return value;
}

/** The key layout below the prefix in `name` ('' or ending in '/'), or the bucket root when unset. */
export function optionalLayout(env: Env, name: string): KeyLayout {
  const prefix = optionalString(env, name, '');
  try {
    return new KeyLayout(prefix);
  } catch {
    throw new ConfigError(`Environment variable ${name} must be empty or end with "/" (given "${prefix}")`);
  }
}
