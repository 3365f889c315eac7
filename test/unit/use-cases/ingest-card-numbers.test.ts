/** A card number anywhere in a feed rejects its row and reaches no table, report, rejects file or log. */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleFeedMessages } from '../../../lambdas/handlers/ingest-feed';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, feedRow } from '../../support/fakes';

const PAN = '4111111111111111';
const KEY = 'incoming/demo-bank/with-pans.csv';

afterEach(() => vi.restoreAllMocks());

describe('card numbers in a feed', () => {
  it('rejects each row that carries one, loads the others, and writes the number nowhere', async () => {
    const logged: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.files.set(
      KEY,
      csvOf(
        [
          feedRow({ account_id: 'ACC-1' }),
          { ...feedRow({ account_id: 'ACC-2', customer_name: `张三 4111 1111 1111 1111` }), remarks: '' },
          { ...feedRow({ account_id: 'ACC-3' }), remarks: `card ${PAN.replace(/(\d{4})/g, '$1-')}` },
          feedRow({ account_id: PAN }),
          feedRow({ account_id: 'ACC-5' }),
        ],
        [...Object.keys(feedRow()), 'remarks'],
      ),
    );

    const notification = {
      Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key: KEY, eTag: '"e1"' } } }],
    };
    const {
      reports: [report],
    } = await handleFeedMessages(() => world, {
      Records: [{ messageId: 'm-1', body: JSON.stringify(notification) }],
    } as never);

    expect(report).toMatchObject({ read: 5, created: 2, rejected: 3 });
    const rejects = world.storage.files.get(`rejects/${KEY}.csv`) ?? '';
    expect(rejects).toContain('card number present');
    expect(rejects).toContain(',customer_name,');
    expect(rejects).toContain(',remarks,');
    const everything = [
      rejects,
      world.storage.files.get(`reports/${KEY}.json`) ?? '',
      JSON.stringify([...world.cases.cases.values()]),
      JSON.stringify(world.trail.entries),
      JSON.stringify(world.escalationQueue.sent),
      [...world.storage.files.entries()]
        .filter(([key]) => key !== KEY)
        .map(([key, text]) => `${key}\n${text}`)
        .join('\n'),
      logged.join(''),
    ].join('\n');
    for (const written of [PAN, '4111 1111', '4111-1111']) expect(everything).not.toContain(written);
  });
});

/** The PAN's digits with anything at all between them: "4111 1111…", "4111-1111…", "４１１１…" after NFKC. */
function panPattern(digits: string): RegExp {
  return new RegExp(digits.split('').join('\\D*'));
}

describe('card numbers however they are written', () => {
  it('rejects a PAN in the address, in full-width digits or with odd spacing in an unknown column', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    const columns = [...Object.keys(feedRow()), 'national_id', 'address', 'note'];
    world.storage.files.set(
      KEY,
      csvOf(
        [
          { ...feedRow({ account_id: 'ACC-1' }), address: '上海市 4111 1111 1111 1111 号', note: '' },
          {
            ...feedRow({ account_id: 'ACC-2' }),
            address: '',
            note: '卡号 ４１１１　１１１１　１１１１　１１１１',
          },
          { ...feedRow({ account_id: 'ACC-3' }), address: '', note: 'card 4111 - 1111 - 1111 - 1111' },
          { ...feedRow({ account_id: 'ACC-4' }), address: 'Room 1203, 88 Nanjing Rd', note: 'ok' },
          // A valid resident ID in its own column is not a card, though all 18 of these digits pass Luhn.
          { ...feedRow({ account_id: 'ACC-5' }), national_id: '110105198001010753', address: '', note: '' },
        ].map((row) => ({ national_id: '', ...row })),
        columns,
      ),
    );

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({ read: 5, created: 2, rejected: 3 });
    const rejects = world.storage.files.get(`rejects/${KEY}.csv`) ?? '';
    expect(rejects.trim().split('\n').slice(1)).toEqual([
      '2,ACC-1,address,card number present',
      '3,ACC-2,note,card number present',
      '4,ACC-3,note,card number present',
    ]);
    const outputs = [rejects, world.storage.files.get(`reports/${KEY}.json`) ?? '']
      .join('\n')
      .normalize('NFKC');
    expect(outputs).not.toMatch(panPattern(PAN));
    expect(JSON.stringify([...world.cases.cases.values()])).not.toMatch(panPattern(PAN));
  });
});
