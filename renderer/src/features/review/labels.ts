import type { Service } from '../../../../shared/schemas';

export const SERVICE_LABELS: Record<Service, string> = {
  'energy-assessment': 'Energy assessment',
  boiler: 'Boiler',
  electrical: 'Electrical',
  plumbing: 'Plumbing',
  solar: 'Solar',
  security: 'Security',
};
