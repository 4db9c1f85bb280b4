import type { LeadDoc, LeadGrade } from '../../../../shared/schemas';

export const GRADE_LABELS: Record<LeadGrade, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold', suspect: 'Suspect' };

const GRADE_HINTS: Record<LeadGrade, string> = {
  hot: 'The customer called two or more assessors.',
  warm: 'Some engagement from either side.',
  cold: 'No contact attempted by anyone yet.',
  suspect: 'Possible fraud or a wrong number: shown with its evidence, never acted on alone.',
};

/** A lead's quality as the server computed it (sync-server/src/leads/quality.ts), with its evidence as a tooltip. */
export function QualityBadge({ quality }: { quality: LeadDoc['quality'] }) {
  if (!quality) {
    return (
      <span className="badge ct-grade ct-grade--none" title="Not graded yet (run `npm run cli -- leads quality`)">
        Not graded
      </span>
    );
  }
  return (
    <span
      className={`badge ct-grade ct-grade--${quality.grade}`}
      title={`${GRADE_HINTS[quality.grade]}\n${quality.evidence.map((e) => `• ${e}`).join('\n')}`}
      data-grade={quality.grade}
    >
      {GRADE_LABELS[quality.grade]}
    </span>
  );
}

/** The badge with its evidence listed, for the lead's own page. */
export function QualityPanel({ quality }: { quality: LeadDoc['quality'] }) {
  return (
    <div className="ct-quality" data-testid="lead-quality">
      <div className="row">
        <span className="ct-section-label">Lead quality</span>
        <QualityBadge quality={quality} />
        {quality ? <span className="subtle">{GRADE_HINTS[quality.grade]}</span> : null}
      </div>
      {quality?.evidence.length ? (
        <ul className="ct-evidence" aria-label="Evidence">
          {quality.evidence.map((e) => (
            <li key={e}>{e.charAt(0).toUpperCase() + e.slice(1)}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
