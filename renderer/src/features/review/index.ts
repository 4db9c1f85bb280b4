/**
 * What other features may use of review/: the review environment (the signed-in reviewer, the server calls,
 * the recording cache) and the staff list, which the scorecard and calibration screens share with the
 * workspace. The workspace itself is reached through the router (app/screens.tsx), not from here.
 */
export { ReviewEnvContext, useReviewEnv } from './env';
export { useSessionReviewEnv } from './session-env';
export { staffName, useStaff } from './staff';
