import type { PeakChannel } from '../../../shared/peaks';
import type { Outcome, Service } from '../../../shared/schemas';

/** The words screens show for the product's fixed values, so every screen names them the same way. */

export const SERVICE_LABELS: Record<Service, string> = {
  'energy-assessment': 'Energy assessment',
  boiler: 'Boiler',
  electrical: 'Electrical',
  plumbing: 'Plumbing',
  solar: 'Solar',
  security: 'Security',
};

export const OUTCOME_LABELS: Record<Outcome, string> = { booked: 'Booked', callback: 'Callback', lost: 'Lost' };

/** The two sides of a recorded call (its waveform lanes and transcript speakers). */
export const CHANNEL_LABELS: Record<PeakChannel, string> = { customer: 'Customer', assessor: 'Assessor' };
