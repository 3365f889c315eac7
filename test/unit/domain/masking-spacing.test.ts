/** Masking a Chinese name must not depend on how the bank spaced it: staff see the surname only. */

import { describe, expect, it } from 'vitest';
import { maskName } from '../../../lambdas/domain/masking';

describe('maskName with spaced Chinese names', () => {
  it.each([
    ['张 三丰', '张**'],
    ['张　三丰', '张**'],
    ['张 三', '张*'],
    ['欧阳 娜娜', '欧***'],
  ])('masks %j to %j, showing no character of the given name', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('keeps the part-by-part mask of a Latin name', () => {
    expect(maskName('Zhang San')).toBe('Z*** S***');
  });
});
