import { UsageError } from '../../common/exit-codes';
import { InvalidArgumentError } from '../errors';

/**
 * Runs `read` (e.g. serverConfig over the flags) and turns a bad flag it
 * finds into a UsageError naming the flag, so `taskplane server --listen
 * 127.0.0.1:99999` exits 2 like every other usage mistake.
 */
export function readFlags<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw flagError(err);
  }
}

/** A flag's InvalidArgumentError as a UsageError; anything else unchanged. */
export function flagError(err: unknown): unknown {
  return err instanceof InvalidArgumentError ? new UsageError(`--${err.field} ${err.problem}`) : err;
}
