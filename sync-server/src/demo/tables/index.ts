/**
 * The demo's data, apart from its logic: districts, assessors, customers' names, voices, phones and behaviour,
 * what they text, which conversations calls play, the starter scorecard and the demo's reviewers. The logic
 * that turns these into a month of events is plan.ts; the runner that plays them through the server is index.ts.
 */
export * from './districts';
export * from './personas';
export * from './customers';
export * from './texts';
export * from './scripts';
export * from './reviews';
