/**
 * The debt-collector disclosure that every communication on pack `us` carries, letters and messages alike. Its
 * own module: a function that renders letters should not carry the SMS and email templates to quote it.
 */

import type { Language } from './message-templates';

/** §1006.18(e): every communication says it comes from a debt collector. */
export const US_DISCLOSURE: Readonly<Record<Language, string>> = {
  en: 'This is a communication from a debt collector.',
  'zh-CN': '本信息来自债务催收方。',
};
