/** The banks the offline runtime (and the simulation) serve, as the stage configuration gives them in BANKS_CONFIG. */

export const LOCAL_BANKS = [
  {
    bankId: 'demo-bank',
    displayName: 'Demo Bank',
    policyPack: 'cn',
    defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
    contact: { phone: '400-000-0000', address: '上海市浦东新区示例路1号' },
  },
  {
    bankId: 'us-demo',
    displayName: 'US Demo Bank',
    policyPack: 'us',
    defaults: { currency: 'USD', timeZone: 'America/New_York', language: 'en' },
    contact: { phone: '1-800-555-0100', address: '1 Example Plaza, New York, NY 10001' },
  },
] as const;
