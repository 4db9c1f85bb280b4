export * from './schema';
export * from './cards';
export * from './agreement';
export * from './insights';
export * from './sms';
