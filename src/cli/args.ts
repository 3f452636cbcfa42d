/**
 * Command-line parsing shared by every command: `node:util` parseArgs with errors
 * turned into a {@link UsageError} that names the bad option and points at `--help`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
/** Parsed option values: strings, booleans, or their arrays for `multiple` options. */
export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** A command-line mistake: printed with the command's usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `argv` against `options`; positionals allowed. */
export function parseCommandLine(argv: string[], options: OptionSpec): ParsedCommandLine {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Parses a positive integer option value. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

/** Checks an enumerated option value. */
export function oneOf<V extends string>(value: string | undefined, name: string, allowed: readonly V[], fallback: V): V {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got '${value}'`);
  return value as V;
}

/** A string option's value (undefined when absent). */
export function str(p: ParsedCommandLine, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean flag's value. */
export function flag(p: ParsedCommandLine, name: string): boolean {
  return p.values[name] === true;
}
