/** File-level faults of a feed: the whole file is quarantined and nothing in it is applied. */

import { CsvReadError } from './csv-reader';

/** A fault of the whole file: it is quarantined and nothing in it is applied. */
export class QuarantineError extends Error {}

/** Bytes that decode in no encoding the contract takes. */
export const UNDECODABLE =
  'undecodable bytes: the text is neither UTF-8 nor GB18030/GBK (UTF-16 and Latin-1 are not read)';

/** What zlib's codes mean for a file that says it is gzip. */
const GZIP_FAULTS: Readonly<Record<string, string>> = {
  Z_BUF_ERROR: 'it ends early (cut short in transfer?)',
  Z_DATA_ERROR: 'its compressed data is corrupt',
};

/** A reading error as a quarantine, or rethrown when it is no fault of the file (storage, network). */
export function asQuarantine(error: unknown): QuarantineError {
  if (error instanceof QuarantineError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof QuarantineError) return cause;
  // CsvReader messages name a line, never the data.
  if (error instanceof CsvReadError) return new QuarantineError(`unreadable CSV: ${error.message}`);
  // zlib's codes name the fault without quoting data; any other error (storage, network) is no fault
  // of the file and propagates, so that the invocation is retried.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new QuarantineError(`not a valid gzip file: ${GZIP_FAULTS[code] ?? 'unreadable'} (${code})`);
  throw error;
}
