import { ReviewEnvContext, useSessionReviewEnv } from '../review';
import { CalibrationScreen } from './CalibrationView';
import { ScorecardEditor } from './ScorecardEditor';

/** Admins: define scorecards. */
export default function ScorecardsRoute() {
  return <ScorecardEditor />;
}

/** Admins: where reviewers of the same call differ. */
export function CalibrationRoute() {
  const env = useSessionReviewEnv();
  if (!env) return null;
  return (
    <ReviewEnvContext.Provider value={env}>
      <CalibrationScreen />
    </ReviewEnvContext.Provider>
  );
}
