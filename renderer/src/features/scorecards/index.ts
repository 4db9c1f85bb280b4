/**
 * What other features may use of scorecards/: the review workspace fills in a scorecard (ScorecardForm, the
 * answer keys) and shows how reviewers compared (CalibrationPanel); the dev harness edits one.
 */
export { CalibrationPanel } from './CalibrationView';
export { ScorecardForm } from './ScorecardForm';
export { ScorecardEditor } from './ScorecardEditor';
export { allQuestions, answerForKey, describeAnswer, nextQuestionId } from './answer-keys';
export { starterScorecard } from './scorecard-model';
