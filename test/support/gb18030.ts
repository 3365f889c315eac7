/** A test-only GB18030/GBK encoder for the two-byte range, built from Node's decoder (no package needed). */

import { TextDecoder } from 'node:util';

let table: Map<string, Buffer> | undefined;

/** Every character GBK writes in two bytes (lead 81–FE, trail 40–FE but 7F), keyed by the character. */
function twoByteTable(): Map<string, Buffer> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const bytes = Buffer.from([lead, trail]);
      const char = decoder.decode(bytes);
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, bytes);
    }
  }
  return table;
}

/** Encodes text of ASCII and two-byte GBK characters; throws on anything else, so a test cannot cheat. */
export function encodeGb18030(text: string): Buffer {
  const codes = twoByteTable();
  const parts: Buffer[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) parts.push(Buffer.from(char, 'latin1'));
    else {
      const bytes = codes.get(char);
      if (!bytes) throw new Error(`not a two-byte GBK character: U+${char.codePointAt(0)?.toString(16)}`);
      parts.push(bytes);
    }
  }
  return Buffer.concat(parts);
}
