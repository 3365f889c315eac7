/**
 * Cuts a feed file's bytes into segments of whole records, so that a large file can be loaded piece by piece
 * (a Distributed Map run, one segment per child) without any of its rows passing through Step Functions:
 * the map's items are these byte ranges, and each child reads its range with the same reader as a whole file.
 *
 * It works on the raw bytes, before decoding. That is sound for UTF-8 and GB18030 alike: the bytes that
 * matter here — quote (0x22), LF (0x0A), CR (0x0D) — never occur inside a multi-byte character of either
 * encoding (GB18030's trailing bytes are 0x30–0x39 and 0x40–0xFE). Quote state is only tracked for CSV, and
 * only files the CSV reader accepted are segmented, so toggling at each quote follows the real structure.
 * Line numbers are counted as the CSV reader counts them: every record end, and every line break (CRLF, LF or
 * a lone CR) inside a quoted field.
 */

import type { FeedFormat } from './records';

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface Segment extends ByteRange {
  readonly index: number;
  /** The file line its first record starts on. */
  readonly line: number;
}

/** Where a file's header is (CSV; for JSON Lines only a BOM, if any) and its records, in segments. */
export interface SegmentPlan {
  /** Bytes read before any segment's own, so that each segment is read with the file's header. */
  readonly header: ByteRange & { readonly endLine: number };
  readonly segments: readonly Segment[];
  readonly records: number;
}

/**
 * What the check pass of a large file leaves for the Distributed Map run, beside the manifest (the JSON
 * array of segments the map's item reader iterates): how to read any segment of the file.
 */
export interface FeedFilePlan extends Omit<SegmentPlan, 'segments'> {
  readonly key: string;
  readonly versionId?: string;
  readonly format: FeedFormat;
  /** The encoding the whole-file check found; absent when every byte is ASCII. */
  readonly encoding?: 'utf-8' | 'gb18030';
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class SegmentScanner {
  private offset = 0;
  private line = 1;
  private inQuotes = false;
  private pendingCr = false;
  /** The last byte was a CR inside quotes: a following LF makes one line break with it, not two. */
  private quotedCr = false;
  private recordHasContent = false;
  private header: (ByteRange & { endLine: number }) | undefined;
  private readonly segments: Segment[] = [];
  private segmentStart = 0;
  private segmentLine = 1;
  private inSegment = 0;
  private records = 0;
  /** A JSON Lines file's BOM: carried as its "header", never part of a record. */
  private bomEnd = 0;

  constructor(
    private readonly format: FeedFormat,
    private readonly recordsPerSegment: number,
  ) {
    if (format === 'jsonl') this.header = { start: 0, end: 0, endLine: 1 };
  }

  push(bytes: Uint8Array): void {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    if (this.offset === 0 && this.format === 'jsonl' && bom) {
      this.bomEnd = 3;
      this.header = { start: 0, end: 3, endLine: 1 };
      this.segmentStart = 3;
    }
    const csv = this.format === 'csv';
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      const at = this.offset + i;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (byte === LF) {
          this.endRecord(at + 1);
          continue;
        }
        this.endRecord(at);
      }
      const afterQuotedCr = this.quotedCr;
      this.quotedCr = false;
      if (csv && byte === QUOTE) {
        this.inQuotes = !this.inQuotes;
        this.recordHasContent = true;
      } else if (byte === LF) {
        if (!this.inQuotes) this.endRecord(at + 1);
        else if (!afterQuotedCr) this.line++;
      } else if (byte === CR && csv) {
        // A lone CR ends a CSV record; inside quotes it is data, and a line break as the reader counts lines.
        if (!this.inQuotes) this.pendingCr = true;
        else {
          this.line++;
          this.quotedCr = true;
        }
      } else if (at >= this.bomEnd) {
        this.recordHasContent = true;
      }
    }
    this.offset += bytes.length;
  }

  end(): SegmentPlan {
    if (this.pendingCr) {
      this.pendingCr = false;
      this.endRecord(this.offset);
    }
    if (this.recordHasContent) this.endRecord(this.offset, false);
    if (this.inSegment > 0) this.closeSegment(this.offset);
    return {
      header: this.header ?? { start: 0, end: this.offset, endLine: this.line },
      segments: this.segments,
      records: this.records,
    };
  }

  /** A record ends at `next` (the byte after its terminator); `terminated` is false at the end of the file. */
  private endRecord(next: number, terminated = true): void {
    if (terminated) this.line++;
    if (!this.recordHasContent) {
      // An empty line: the reader skips it. Before the header it belongs to the header's bytes.
      if (!this.header) return;
      if (this.inSegment === 0) {
        this.segmentStart = next;
        this.segmentLine = this.line;
      }
      return;
    }
    this.recordHasContent = false;
    if (!this.header) {
      this.header = { start: 0, end: next, endLine: this.line };
      this.segmentStart = next;
      this.segmentLine = this.line;
      return;
    }
    this.records++;
    this.inSegment++;
    if (this.inSegment >= this.recordsPerSegment) this.closeSegment(next);
  }

  private closeSegment(end: number): void {
    this.segments.push({
      index: this.segments.length,
      start: this.segmentStart,
      end,
      line: this.segmentLine,
    });
    this.inSegment = 0;
    this.segmentStart = end;
    this.segmentLine = this.line;
  }
}
