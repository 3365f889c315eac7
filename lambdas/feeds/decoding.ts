/**
 * Bytes of a feed file to text: gunzipped when the bytes say gzip, UTF-8 (BOM or not) or GB18030/GBK
 * chosen from the bytes. Bytes invalid in the chosen encoding raise QuarantineError.
 */

import { isAscii, isUtf8 } from 'node:buffer';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { QuarantineError, UNDECODABLE } from './quarantine';

/** How much of the file is read before deciding between UTF-8 and GB18030. */
const SNIFF_BYTES = 64 * 1024;

/**
 * The most a gzipped feed may inflate to. Reading streams, so memory is not the risk: time is. A few MiB
 * of gzip can inflate to terabytes (a "zip bomb"), which intake would read twice (check, then load) until
 * the invocation times out and is retried. 2 GiB is about 15 million rows, more than one invocation
 * loads. No ratio guard: gzip's own ceiling is about 1,000:1, and a feed of repetitive rows honestly
 * compresses past 100:1, so a ratio would refuse real files that the absolute cap already makes harmless.
 */
export const MAX_GUNZIPPED_BYTES = 2 * 1024 ** 3;

/** How a feed file was packaged, as reading it found out. */
export interface FeedPackaging {
  gzipped: boolean;
  /** Undefined while (or when) every byte is ASCII, which reads the same in both. */
  encoding?: 'utf-8' | 'gb18030';
}

/**
 * Gunzips when the stream starts with the gzip magic bytes, whatever the file is called; more than
 * `maxBytes` of gunzipped bytes raise QuarantineError.
 */
export async function gunzipIfNeeded(
  raw: Readable,
  packaging: FeedPackaging,
  maxBytes = MAX_GUNZIPPED_BYTES,
): Promise<Readable> {
  const iterator = raw[Symbol.asyncIterator]();
  // The magic is two bytes and nothing promises a first chunk that long: gather until there are two.
  let head = Buffer.alloc(0);
  let next = await iterator.next();
  while (!next.done) {
    head = Buffer.concat([head, Buffer.from(next.value as Buffer | string)]);
    if (head.length >= 2) break;
    next = await iterator.next();
  }
  if (head.length === 0) return Readable.from([]);
  const rest = Readable.from(
    (async function* () {
      yield head;
      if (next.done) return;
      for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
    })(),
  );
  if (head[0] !== 0x1f || head[1] !== 0x8b) return rest;
  packaging.gzipped = true;
  const gunzip = createGunzip();
  rest.on('error', (error) => gunzip.destroy(error));
  gunzip.on('error', () => {});
  let inflated = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      inflated += chunk.length;
      if (inflated > maxBytes) {
        // Stop inflating now rather than after the rest of the bomb.
        rest.destroy();
        gunzip.destroy();
        return callback(new QuarantineError(`gzip inflates to more than ${maxBytes} bytes`));
      }
      callback(null, chunk);
    },
  });
  gunzip.on('error', (error) => capped.destroy(error));
  return rest
    .pipe(gunzip)
    .pipe(capped)
    .on('error', () => {});
}

/**
 * Decodes bytes to text in the encoding `chooseEncoding` picks from the first 64 KiB from the first non-ASCII
 * byte on (GB18030 is a superset of GBK); bytes invalid in the chosen encoding anywhere quarantine the file.
 * ASCII reads the same in both, so it passes through undecided: a GBK file whose first 64 KiB are Latin
 * names and digits must not be judged UTF-8 on them and then quarantined at its first Chinese name.
 * With `utf8AsBytes` (CSV), UTF-8 is validated but passed on one byte per character (see `utf8Bytes`).
 * With `preset`, the encoding a whole-file check already found is used from the first byte: a segment of a
 * file must be read as the file was, whatever its own bytes would suggest.
 */
export function decodeText(
  bytes: Readable,
  packaging: FeedPackaging,
  utf8AsBytes: boolean,
  preset?: 'utf-8' | 'gb18030',
): Readable {
  let decoder: ChunkDecoder | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let asciiPassed = false;
  /** Picks the decoder from what is pending; returns the pending bytes, without a BOM, to decode first. */
  const decide = (): Buffer => {
    let prefix = Buffer.concat(pending);
    pending = [];
    // After ASCII has passed, the decoder starts mid-file, where EF BB BF is a character, not a BOM.
    const encoding = preset ?? chooseEncoding(prefix, asciiPassed);
    packaging.encoding = encoding;
    if (encoding === 'utf-8' && utf8AsBytes) {
      if (!asciiPassed && prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf)
        prefix = prefix.subarray(3);
      decoder = utf8Bytes();
    } else decoder = textDecoder(encoding, asciiPassed);
    return prefix;
  };
  const decoding = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (!decoder) {
          if (!preset && pendingBytes === 0 && isAscii(chunk)) {
            asciiPassed ||= chunk.length > 0;
            return callback(null, chunk.length > 0 ? chunk.toString('latin1') : undefined);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (!preset && pendingBytes < SNIFF_BYTES) return callback();
          chunk = decide();
        }
        const text = decoder?.decode(chunk) ?? '';
        callback(null, text.length > 0 ? text : undefined);
      } catch {
        callback(new QuarantineError(UNDECODABLE));
      }
    },
    flush(callback: TransformCallback) {
      try {
        const rest = decoder ? Buffer.alloc(0) : decide();
        const text = (decoder?.decode(rest) ?? '') + (decoder?.end() ?? '');
        callback(null, text.length > 0 ? text : undefined);
      } catch {
        callback(new QuarantineError(UNDECODABLE));
      }
    },
  });
  bytes.on('error', (error) => decoding.destroy(error));
  return bytes.pipe(decoding);
}

/** Bytes in, text out, in file order; throws on bytes invalid in its encoding. */
interface ChunkDecoder {
  decode(chunk: Buffer): string;
  /** The end of the file: throws if it cuts a character. */
  end(): string;
}

function textDecoder(encoding: 'utf-8' | 'gb18030', ignoreBOM: boolean): ChunkDecoder {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM });
  return { decode: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

/**
 * UTF-8, validated, passed on as one latin1 character per byte. Comma, quote, CR and LF never occur inside
 * a multi-byte sequence, so the CSV reader splits these strings exactly as it would the text, then decodes
 * only the fields that hold non-ASCII bytes. Decoding whole chunks made every field of a row with a Chinese
 * name a two-byte string, and everything downstream (checks, sealing, hashing, marshalling) slower.
 */
function utf8Bytes(): ChunkDecoder {
  let tail: Buffer | undefined;
  return {
    decode(chunk) {
      const bytes = tail ? Buffer.concat([tail, chunk]) : chunk;
      const whole = wholeCharacters(bytes);
      const head = bytes.subarray(0, whole);
      if (!isUtf8(head)) throw new QuarantineError(UNDECODABLE);
      tail = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
      return head.toString('latin1');
    },
    end() {
      if (tail) throw new QuarantineError(UNDECODABLE);
      return '';
    },
  };
}

/** How many leading bytes end on a character boundary: a sequence cut by the chunk's end waits for the next. */
function wholeCharacters(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back] as number;
    if (byte < 0x80) return length;
    if (byte >= 0xc0) {
      const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return needs > back ? length - back : length;
    }
  }
  return length;
}

/**
 * Picks UTF-8 or GB18030 for the bytes of the sniff window. Bytes invalid as UTF-8 are GB18030; bytes
 * invalid as GB18030 are UTF-8. Bytes valid as both are common when the non-ASCII text is short: 平 in GBK
 * (C6 BD) is also the UTF-8 of ƽ, 茅 (C3 A9) that of é. Then the UTF-8 reading wins only if it looks like
 * text: any character beyond U+07FF (CJK and the like, which GBK bytes almost never form), or only letters
 * of Latin, Greek or Cyrillic that stand beside another letter of their script, as in José or Дмитрий.
 * A lone é between commas, or ƽ, is how GBK Chinese reads as UTF-8, and the file is read as GB18030.
 */
export function chooseEncoding(prefix: Uint8Array, ignoreBOM = false): 'utf-8' | 'gb18030' {
  const options = { fatal: true, ignoreBOM };
  let asUtf8: string;
  try {
    asUtf8 = new TextDecoder('utf-8', options).decode(prefix, { stream: true });
  } catch {
    return 'gb18030';
  }
  // Valid UTF-8 that reads as text is UTF-8 whether or not the bytes are also valid GB18030: the second
  // decoding is needed only for the rest.
  if (looksLikeUtf8Text(asUtf8)) return 'utf-8';
  try {
    new TextDecoder('gb18030', options).decode(prefix, { stream: true });
  } catch {
    return 'utf-8';
  }
  return 'gb18030';
}

type Script = 'latin' | 'greek' | 'cyrillic';

/** The script of a letter a name in a feed plausibly holds, or undefined for anything else. */
function scriptOf(code: number | undefined): Script | undefined {
  if (code === undefined) return undefined;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return 'latin';
  if (code >= 0xc0 && code <= 0x17f && code !== 0xd7 && code !== 0xf7) return 'latin';
  if (code >= 0x386 && code <= 0x3ce) return 'greek';
  if (code >= 0x400 && code <= 0x45f) return 'cyrillic';
  return undefined;
}

function looksLikeUtf8Text(text: string): boolean {
  // Beyond U+07FF (surrogate halves included): the common case, Chinese, decided without a code point list.
  if (/[\u0800-\uffff]/.test(text)) return true;
  const codes = Array.from(text, (char) => char.codePointAt(0) ?? 0);
  return codes.every((code, i) => {
    if (code < 0x80) return true;
    const script = scriptOf(code);
    return script !== undefined && (scriptOf(codes[i - 1]) === script || scriptOf(codes[i + 1]) === script);
  });
}
