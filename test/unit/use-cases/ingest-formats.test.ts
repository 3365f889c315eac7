/** Every packaging of the feed contract loads the same way; a file that does not read is quarantined whole. */

import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../../lambdas/feeds/decoding';
import { UNDECODABLE } from '../../../lambdas/feeds/quarantine';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, type FakeWorld, feedRow } from '../../support/fakes';
import { encodeGb18030 } from '../../support/gb18030';

function withBytes(world: FakeWorld, bytes: Buffer): FakeWorld {
  world.storage.open = async () => Readable.from([bytes]);
  return world;
}

const rows = [feedRow({ account_id: 'ACC-1' }), feedRow({ account_id: 'ACC-2', mobile: '13900001111' })];

describe('feed packaging', () => {
  it('loads a gzipped CSV, detected by its bytes even when the name says .csv', async () => {
    for (const key of ['incoming/demo-bank/f.csv.gz', 'incoming/demo-bank/f.csv']) {
      const world = withBytes(createFakeWorld(), gzipSync(csvOf(rows)));
      expect(await ingestFeed(world, { key })).toMatchObject({ created: 2, quarantined: false });
    }
  });

  it('loads JSON Lines, numbers included, and rejects a line that is not an object with its line number', async () => {
    const lines = [
      JSON.stringify({ ...feedRow({ account_id: 'ACC-1' }), days_past_due: 12, overdue_principal: 1500 }),
      '[1,2,3]',
      '',
      JSON.stringify(feedRow({ account_id: 'ACC-3' })),
      '{not json',
    ].join('\n');
    const world = withBytes(createFakeWorld(), Buffer.from(lines));
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.jsonl' });
    expect(report).toMatchObject({ read: 4, created: 2, rejected: 2 });
    const rejects = world.storage.files.get('rejects/incoming/demo-bank/f.jsonl.csv') ?? '';
    expect(rejects).toContain('2,,row,not a JSON object');
    expect(rejects).toContain('5,,row,not valid JSON');
    expect(world.cases.cases.get('demo-bank:ACC-1')?.overdue.amountMinor).toBe(150_000);
  });

  it('rejects a JSON line whose value is an array, an object or a boolean, naming no value', async () => {
    const lines = [
      JSON.stringify({ ...feedRow({ account_id: 'ACC-1' }), customer_name: ['Han Meimei'] }),
      JSON.stringify({ ...feedRow({ account_id: 'ACC-2' }), extra: { note: 'Li Lei' } }),
      JSON.stringify({ ...feedRow({ account_id: 'ACC-3' }), language: true }),
      JSON.stringify({ ...feedRow({ account_id: 'ACC-4' }), extra: ['4111 1111 1111 1111'] }),
      JSON.stringify(feedRow({ account_id: 'ACC-5' })),
      JSON.stringify({ flag: true, ...feedRow({ account_id: 'ACC-6' }), note: '4111 1111 1111 1111' }),
    ].join('\n');
    const world = withBytes(createFakeWorld(), Buffer.from(lines));
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.jsonl' });
    expect(report).toMatchObject({ read: 6, created: 1, rejected: 5 });
    const rejects = world.storage.files.get('rejects/incoming/demo-bank/f.jsonl.csv') ?? '';
    for (const [line, account] of [
      [1, 'ACC-1'],
      [2, 'ACC-2'],
      [3, 'ACC-3'],
    ]) {
      expect(rejects).toContain(`${line},${account},row,a value that is not a string or a number`);
    }
    expect(rejects).toContain('4,ACC-4,row,card number present');
    // A card number in a string cell of the same line is still the reason given.
    expect(rejects).toContain('6,ACC-6,row,card number present');
    expect(rejects).not.toMatch(/Han Meimei|Li Lei|4111/);
    expect([...world.cases.cases.keys()]).toEqual(['demo-bank:ACC-5']);
  });

  it('reads UTF-8 with a BOM and header names in any case and spacing', async () => {
    const csv = csvOf(rows).replace('account_id,as_of', ' Account_ID , AS_OF ');
    const world = withBytes(
      createFakeWorld(),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
    );
    expect(await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' })).toMatchObject({ created: 2 });
  });

  it('detects GB18030/GBK from the bytes and decodes names correctly', async () => {
    const header = 'account_id,as_of,customer_name,mobile,days_past_due,overdue_principal\n';
    const gbkName = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
    const bytes = Buffer.concat([
      Buffer.from(`${header}ACC-GBK,2026-03-01,`),
      gbkName,
      Buffer.from(',13812345678,10,800.00\n'),
    ]);
    const world = withBytes(createFakeWorld(), bytes);
    expect(await ingestFeed(world, { key: 'incoming/demo-bank/gbk.csv' })).toMatchObject({ created: 1 });
    const stored = world.cases.cases.get('demo-bank:ACC-GBK');
    if (!stored) throw new Error('the GBK row was not stored');
    expect(stored.masked.name).toBe('张*');
    expect(await world.vault.open({ bankId: 'demo-bank', accountId: 'ACC-GBK' }, stored.pii, 'name')).toBe(
      '张三',
    );
  });
});

describe('rows and headers of an uneven shape', () => {
  it('rejects a row with more or fewer fields than the header, naming its line, and loads the rest', async () => {
    const header = 'account_id,as_of,customer_name,mobile,overdue_principal,days_past_due';
    const csv = [
      header,
      'ACC-1,2026-03-01,Li Lei,13800001111,100.00,12',
      'ACC-2,2026-03-01,Han Meimei,13800002222,100.00',
      'ACC-3,2026-03-01,Wang, Wu,13800003333,100.00,12',
      'ACC-4,2026-03-01,Zhao Liu,13800004444,100.00,12,,',
    ].join('\n');
    const world = withBytes(createFakeWorld(), Buffer.from(csv));
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
    expect(report).toMatchObject({ read: 4, created: 2, rejected: 2 });
    const rejects = world.storage.files.get('rejects/incoming/demo-bank/f.csv.csv') ?? '';
    expect(rejects).toContain('3,ACC-2,row,"has 5 fields, the header 6"');
    expect(rejects).toContain('4,ACC-3,row,"has 7 fields, the header 6"');
    expect(rejects).not.toMatch(/Wang|Wu/);
    expect(world.cases.cases.has('demo-bank:ACC-4')).toBe(true);
  });

  it('quarantines a header that names a column twice, quoting only names shaped like column names', async () => {
    const csv = `account_id,as_of,customer_name,Mobile,mobile ,13800001234,13800001234\nACC-1,2026-03-01,Li,1,2,3,4\n`;
    const world = withBytes(createFakeWorld(), Buffer.from(csv));
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
    expect(report).toMatchObject({
      quarantined: true,
      quarantineReason: 'repeated column(s): mobile, (not shown)',
    });
    expect(world.cases.cases.size).toBe(0);
  });
});

describe('file-level faults quarantine the whole file and apply nothing', () => {
  it('bytes that decode in no supported encoding, even past the first 64 KiB', async () => {
    const many = Array.from({ length: 900 }, (_, i) => feedRow({ account_id: `ACC-${i}` }));
    const bytes = Buffer.concat([Buffer.from(csvOf(many)), Buffer.from([0xff, 0xff, 0x0a])]);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const world = withBytes(createFakeWorld(), bytes);
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
    expect(report).toMatchObject({ quarantined: true, quarantineReason: UNDECODABLE, created: 0 });
    expect(world.cases.cases.size).toBe(0);
  });

  it('JSON Lines with bytes that decode in no supported encoding, past the first 64 KiB', async () => {
    const lines = Array.from({ length: 800 }, (_, i) => JSON.stringify(feedRow({ account_id: `ACC-${i}` })));
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), Buffer.from([0xff, 0xff, 0x0a])]);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const world = withBytes(createFakeWorld(), bytes);
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.jsonl' });
    expect(report).toMatchObject({ quarantined: true, quarantineReason: UNDECODABLE });
    expect(world.cases.cases.size).toBe(0);
  });

  it('a quote left open on the last line', async () => {
    const csv = `${csvOf(rows)}ACC-9,2026-03-01,"unterminated\n`;
    const world = withBytes(createFakeWorld(), Buffer.from(csv));
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
    expect(report.quarantined).toBe(true);
    expect(report.quarantineReason).toMatch(/^unreadable CSV: /);
    expect(world.cases.cases.size).toBe(0);
  });

  it('an empty file, a broken gzip, and a file type the contract does not know', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['incoming/demo-bank/empty.csv', Buffer.alloc(0), /no header row/],
      ['incoming/demo-bank/broken.csv.gz', gzipSync(csvOf(rows)).subarray(0, 30), /gzip|unreadable CSV/],
      ['incoming/demo-bank/feed.xlsx', Buffer.from(csvOf(rows)), /not a \.csv/],
      // Cut short in transfer: the last 100 bytes (compressed rows and the trailer) never came.
      [
        'incoming/demo-bank/cut.csv.gz',
        ((whole: Buffer) => whole.subarray(0, whole.length - 100))(
          gzipSync(csvOf(Array.from({ length: 400 }, (_, i) => feedRow({ account_id: `ACC-${i}` })))),
        ),
        /^not a valid gzip file: it ends early \(cut short in transfer\?\) \(Z_BUF_ERROR\)$/,
      ],
    ];
    for (const [key, bytes, reason] of cases) {
      const world = withBytes(createFakeWorld(), bytes);
      const report = await ingestFeed(world, { key });
      expect(report.quarantined, key).toBe(true);
      expect(report.quarantineReason, key).toMatch(reason);
      expect(world.cases.cases.size).toBe(0);
    }
  });
});

/** S3 hands a body over in chunks of a few KiB; encoding detection must hold whatever the cut. */
function inChunks(world: FakeWorld, bytes: Buffer, size: number): FakeWorld {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  world.storage.open = async () => Readable.from(chunks);
  return world;
}

/** 900 rows of Latin names (about 90 KiB of ASCII) and one last row whose name is written in `name`. */
function latinThen(name: Buffer): Buffer {
  const rows = Array.from({ length: 900 }, (_, i) =>
    feedRow({ account_id: `ACC-${i}`, customer_name: 'Li Lei' }),
  );
  const text = Buffer.from(
    csvOf([...rows, feedRow({ account_id: 'ACC-LAST', customer_name: 'PLACEHOLDER' })]),
  );
  const at = text.indexOf('PLACEHOLDER');
  return Buffer.concat([text.subarray(0, at), name, text.subarray(at + 'PLACEHOLDER'.length)]);
}

describe('encoding detection in a streamed body', () => {
  it('detects GBK whose first non-ASCII byte comes after 64 KiB of ASCII', async () => {
    const bytes = latinThen(Buffer.from([0xd5, 0xc5, 0xc8, 0xfd])); // 张三 in GBK
    expect(bytes.indexOf(0xd5)).toBeGreaterThan(64 * 1024);
    const world = inChunks(createFakeWorld(), bytes, 16 * 1024);
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
    expect(report).toMatchObject({ quarantined: false, created: 901, rejected: 0 });
    const stored = world.cases.cases.get('demo-bank:ACC-LAST');
    expect(stored?.masked.name).toBe('张*');
  });

  it('keeps UTF-8 whose first non-ASCII character comes after 64 KiB of ASCII', async () => {
    const world = inChunks(createFakeWorld(), latinThen(Buffer.from('张三')), 16 * 1024);
    expect(await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' })).toMatchObject({ created: 901 });
    expect(world.cases.cases.get('demo-bank:ACC-LAST')?.masked.name).toBe('张*');
  });

  it('reads UTF-8 whose multi-byte characters are cut at chunk edges, the sniff window edge included', async () => {
    const rows = Array.from({ length: 700 }, (_, i) =>
      feedRow({ account_id: `ACC-${i}`, customer_name: '张三丰' }),
    );
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvOf(rows))]);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    // 4093 = 4 KiB - 3: chunk edges fall at every offset within the three bytes of a character.
    for (const size of [1021, 4093, 64 * 1024 - 1]) {
      const world = inChunks(createFakeWorld(), bytes, size);
      const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
      expect(report, `chunks of ${size}`).toMatchObject({ quarantined: false, created: 700, rejected: 0 });
      expect(world.cases.cases.get('demo-bank:ACC-699')?.masked.name).toBe('张**');
    }
  });

  it('decodes 2-, 3- and 4-byte characters in quoted and plain fields exactly, cut at every chunk edge', async () => {
    const names = ['José Müller', '张三丰', '𠀋𠂉', '"王, 五"'];
    const address = '北京市朝阳区\n"甲"1号, 3楼';
    const rows = names.map((name, i) => ({
      ...feedRow({ account_id: `ACC-${i}`, customer_name: name }),
      address,
    }));
    const bytes = Buffer.from(csvOf(rows));
    for (const size of [1, 2, 3, 5, 7]) {
      const world = inChunks(createFakeWorld(), bytes, size);
      const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
      expect(report, `chunks of ${size}`).toMatchObject({ quarantined: false, created: 4, rejected: 0 });
      for (const [i, name] of names.entries()) {
        const context = { bankId: 'demo-bank', accountId: `ACC-${i}` };
        const stored = world.cases.cases.get(`demo-bank:ACC-${i}`);
        if (!stored) throw new Error(`ACC-${i} was not stored`);
        expect(await world.vault.open(context, stored.pii, 'name')).toBe(name);
        expect(await world.vault.open(context, stored.pii, 'address')).toBe(address);
      }
    }
  });

  it('quarantines a UTF-8 file whose last character is cut short, or that turns invalid after the sniff', async () => {
    const rows = Array.from({ length: 700 }, (_, i) =>
      feedRow({ account_id: `ACC-${i}`, customer_name: '张三丰' }),
    );
    const text = Buffer.from(csvOf(rows));
    const cut = Buffer.concat([text, Buffer.from('ACC-LAST,2026-03-01,张').subarray(0, -1)]);
    const overlong = Buffer.concat([
      text,
      Buffer.from('ACC-LAST,2026-03-01,'),
      Buffer.from([0xc0, 0xaf, 0x0a]),
    ]);
    for (const bytes of [cut, overlong]) {
      for (const size of [4093, 64 * 1024]) {
        const world = inChunks(createFakeWorld(), bytes, size);
        const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
        expect(report).toMatchObject({
          quarantined: true,
          quarantineReason: UNDECODABLE,
          created: 0,
        });
        expect(world.cases.cases.size).toBe(0);
      }
    }
  });

  it('loads gzipped JSON Lines', async () => {
    const lines = rows.map((row) => JSON.stringify(row)).join('\n');
    const world = inChunks(createFakeWorld(), gzipSync(lines), 7);
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.jsonl.gz' });
    expect(report).toMatchObject({ quarantined: false, created: 2 });
  });
});

describe('bytes that read both as UTF-8 and as GB18030', () => {
  const gbk = (text: string) => encodeGb18030(text);
  it('reads short GBK names whose bytes happen to be valid UTF-8 as GBK', () => {
    // 平 is C6 BD (ƽ in UTF-8), 英 D3 A2 (Ӣ), 茅 C3 A9 (é), 小 D0 A1 (С): alone in a cell, they are GBK.
    for (const name of ['平', '英', '茅', '小', '平 Li', '"茅"']) {
      const bytes = gbk(`account_id,customer_name\nACC-1,${name}\n`);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), name).not.toThrow();
      expect(chooseEncoding(bytes), name).toBe('gb18030');
    }
  });

  it('keeps UTF-8 names of Latin, Greek and Cyrillic letters, and anything with CJK', () => {
    for (const name of ['José', 'Zoë Müller', 'Дмитрий', 'Ελένη', 'Łukasz', '张三', 'Émile']) {
      const bytes = Buffer.from(`account_id,customer_name\nACC-1,${name}\n`);
      expect(chooseEncoding(bytes), name).toBe('utf-8');
    }
  });

  it('loads a one-character GBK name that is also valid UTF-8 as the character it is', async () => {
    const bytes = gbk(csvOf([feedRow({ account_id: 'ACC-PING', customer_name: '平' })]));
    const world = withBytes(createFakeWorld(), bytes);
    expect(await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' })).toMatchObject({ created: 1 });
    const stored = world.cases.cases.get('demo-bank:ACC-PING');
    if (!stored) throw new Error('the row was not stored');
    expect(await world.vault.open({ bankId: 'demo-bank', accountId: 'ACC-PING' }, stored.pii, 'name')).toBe(
      '平',
    );
  });
});

describe('gzip detection in a streamed body', () => {
  it('recognises the gzip magic even when the first chunk holds only its first byte', async () => {
    const world = inChunks(createFakeWorld(), gzipSync(csvOf(rows)), 1);
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv.gz' });
    expect(report).toMatchObject({ quarantined: false, created: 2 });
  });

  it('reads a one-byte file as what it is: no header', async () => {
    const world = inChunks(createFakeWorld(), Buffer.from('a'), 1);
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
    expect(report).toMatchObject({
      quarantined: true,
      quarantineReason: expect.stringMatching(/column|header/),
    });
  });
});
