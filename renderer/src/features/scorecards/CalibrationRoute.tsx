export { CalibrationRoute as default } from './ScorecardsRoute';
