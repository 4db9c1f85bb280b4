/** What other features may use of insights/: the AI's part of the review workspace (badges, tab, waveform marks). */
export { CardDetailsAlert, InsightHeaderBadge, useInsightState } from './InsightBadges';
export { InsightPanel } from './InsightPanel';
export { InsightWaveOverlay, type WaveSurface } from './InsightWaveOverlay';
