import { useEffect, useMemo, useState } from 'react';
import type { DeepReadonly } from 'rxdb';
import type { ScorecardDoc, ScorecardQuestion } from '../../../../shared/schemas';
import { validateScorecard, type ScorecardProblem } from '../../../../shared/scoring';
import { useDatabase, useQuery } from '../../db/hooks';
import {
  KIND_LABELS,
  changeKind,
  isQuestionKind,
  duplicateScorecard,
  move,
  newQuestion,
  newSection,
  sectionShares,
  starterScorecard,
  type Section,
} from './scorecard-model';
import '../../ui/panel.css';
import './scorecards.css';
import { EmptyState } from '../../ui/EmptyState';
import { Field } from '../../ui/Field';

const plain = <T,>(doc: DeepReadonly<T>): T => doc as unknown as T;
const newId = () => crypto.randomUUID();

/**
 * Admins define scorecards: sections of questions (yes/no, 1–5, single choice), each with a weight and
 * whether N/A is allowed. Saved scorecards replicate to every reviewer; the editor refuses to save one that
 * reviewers could not use (shared/scoring.ts validateScorecard).
 */
export function ScorecardEditor() {
  const db = useDatabase();
  const { docs } = useQuery('scorecards', { sort: [{ createdAt: 'desc' }] });
  const cards = useMemo(() => docs.map((d) => plain<ScorecardDoc>(d)), [docs]);
  const [openId, setOpenId] = useState<string | null>(null);
  const [draft, setDraft] = useState<ScorecardDoc | null>(null);
  const [saved, setSaved] = useState(false);
  const stored = cards.find((c) => c.id === openId) ?? null;

  useEffect(() => {
    if (openId && stored && (!draft || draft.id !== openId)) setDraft(structuredClone(stored));
  }, [openId, stored, draft]);

  const problems = draft ? validateScorecard(draft) : [];
  const dirty =
    draft !== null && JSON.stringify(withoutMeta(draft)) !== JSON.stringify(stored ? withoutMeta(stored) : null);

  const save = async () => {
    if (!draft || problems.length > 0) return;
    // updatedAt is stamped by the server when it accepts the push (SPEC R2).
    await db.scorecards.upsert({ ...withoutMeta(draft), updatedAt: 0 });
    setOpenId(draft.id);
    setSaved(true);
  };

  const create = (card: ScorecardDoc) => {
    setDraft(card);
    setOpenId(card.id);
    setSaved(false);
  };

  return (
    <div className="sc-screen">
      <aside className="sc-list rv-panel">
        <header className="rv-panel__header">
          <h2>Scorecards</h2>
          <span className="spacer" />
          <button
            type="button"
            className="btn btn--sm btn--primary"
            onClick={() => create(starterScorecard(newId, Date.now()))}
          >
            New scorecard
          </button>
        </header>
        {cards.length === 0 && !draft ? (
          <EmptyState title="No scorecards yet">
            <p className="muted">Create one; reviewers answer it for every call they review.</p>
          </EmptyState>
        ) : (
          <ul className="sc-list__items">
            {draft && !stored && (
              <li className="is-open">
                <button type="button" className="sc-list__item">
                  <strong>{draft.name || 'Untitled'}</strong>
                  <span className="badge badge--warn">Not saved</span>
                </button>
              </li>
            )}
            {cards.map((c) => (
              <li key={c.id} className={c.id === openId ? 'is-open' : ''}>
                <button
                  type="button"
                  className="sc-list__item"
                  onClick={() => {
                    setOpenId(c.id);
                    setDraft(structuredClone(c));
                    setSaved(false);
                  }}
                >
                  <strong>{c.name}</strong>
                  <span className={`badge ${c.active ? 'badge--ok' : ''}`}>{c.active ? 'Active' : 'Inactive'}</span>
                  <span className="subtle num">{c.sections.reduce((n, s) => n + s.questions.length, 0)} questions</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </aside>
      <main className="sc-editor">
        {!draft ? (
          <EmptyState title="Choose a scorecard to edit, or create one" />
        ) : (
          <DraftEditor
            key={draft.id}
            draft={draft}
            problems={problems}
            dirty={dirty}
            saved={saved && !dirty}
            isNew={!stored}
            onChange={(d) => {
              setDraft(d);
              setSaved(false);
            }}
            onSave={() => void save()}
            onDuplicate={() => create(duplicateScorecard(draft, newId, Date.now()))}
            onDiscard={() => {
              setDraft(stored ? structuredClone(stored) : null);
              if (!stored) setOpenId(null);
            }}
          />
        )}
      </main>
    </div>
  );
}

function withoutMeta(card: ScorecardDoc): ScorecardDoc {
  const { _meta, _rev, _attachments, _deleted, ...rest } = card as ScorecardDoc &
    Record<'_meta' | '_rev' | '_attachments' | '_deleted', unknown>;
  void [_meta, _rev, _attachments, _deleted];
  return rest;
}

interface DraftEditorProps {
  draft: ScorecardDoc;
  problems: ScorecardProblem[];
  dirty: boolean;
  saved: boolean;
  isNew: boolean;
  onChange(d: ScorecardDoc): void;
  onSave(): void;
  onDuplicate(): void;
  onDiscard(): void;
}

function DraftEditor({
  draft,
  problems,
  dirty,
  saved,
  isNew,
  onChange,
  onSave,
  onDuplicate,
  onDiscard,
}: DraftEditorProps) {
  // A live query rather than a count: RxDB counts only fully indexed selectors, and reviews are indexed by call.
  const { docs: using } = useQuery('reviews', { selector: { scorecardId: draft.id } });
  const usedBy = using.length;
  const shares = sectionShares(draft);
  const problemAt = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);
  const setSection = (si: number, section: Section) =>
    onChange({ ...draft, sections: draft.sections.map((s, i) => (i === si ? section : s)) });
  const setQuestion = (si: number, qi: number, q: ScorecardQuestion) =>
    setSection(si, {
      ...draft.sections[si],
      questions: draft.sections[si].questions.map((x, i) => (i === qi ? q : x)),
    });

  return (
    <div className="sc-draft" data-testid="scorecard-editor">
      <header className="sc-draft__head">
        <Field label="Name" className="sc-draft__name">
          <input
            className="input"
            value={draft.name}
            maxLength={200}
            onChange={(e) => onChange({ ...draft, name: e.target.value })}
            aria-invalid={problemAt('name').length > 0}
          />
          <FieldProblems messages={problemAt('name')} />
        </Field>
        <label className="sc-draft__active">
          <input
            type="checkbox"
            checked={draft.active}
            onChange={(e) => onChange({ ...draft, active: e.target.checked })}
          />{' '}
          Active (offered to reviewers)
        </label>
        <span className="spacer" />
        {!isNew && (
          <button type="button" className="btn btn--sm btn--ghost" onClick={onDuplicate}>
            Duplicate
          </button>
        )}
        <button type="button" className="btn btn--sm" onClick={onDiscard} disabled={!dirty && !isNew}>
          {isNew ? 'Discard' : 'Undo changes'}
        </button>
        <button type="button" className="btn btn--primary" onClick={onSave} disabled={problems.length > 0 || !dirty}>
          Save scorecard
        </button>
      </header>
      {saved && <p className="alert alert--info">Saved. It reaches reviewers when this device syncs.</p>}
      {usedBy > 0 && (
        <p className="alert alert--warn">
          {usedBy} {usedBy === 1 ? 'review uses' : 'reviews use'} this scorecard. Rewording is safe; removing questions
          or changing weights changes how those reviews score. Duplicate it to start a new version instead.
        </p>
      )}
      {problems.length > 0 && (
        <ul className="sc-problems" aria-label="What to fix before saving">
          {problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      {draft.sections.map((section, si) => (
        <section key={section.id} className="sc-section rv-panel">
          <header className="sc-section__head">
            <input
              className="input sc-section__title"
              placeholder="Section title, e.g. Opening"
              value={section.title}
              maxLength={200}
              aria-label={`Section ${si + 1} title`}
              onChange={(e) => setSection(si, { ...section, title: e.target.value })}
            />
            <span className="subtle num" title="Share of the total score">
              {shares[si] === null ? '' : `${Math.round((shares[si] ?? 0) * 100)}% of score`}
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn btn--sm btn--ghost"
              onClick={() => onChange({ ...draft, sections: move(draft.sections, si, -1) })}
              disabled={si === 0}
              aria-label="Move section up"
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn--sm btn--ghost"
              onClick={() => onChange({ ...draft, sections: move(draft.sections, si, 1) })}
              disabled={si === draft.sections.length - 1}
              aria-label="Move section down"
            >
              ↓
            </button>
            <button
              type="button"
              className="btn btn--sm btn--danger"
              onClick={() => onChange({ ...draft, sections: draft.sections.filter((_, i) => i !== si) })}
            >
              Remove section
            </button>
          </header>
          <FieldProblems messages={[...problemAt(`sections.${si}.title`), ...problemAt(`sections.${si}.questions`)]} />
          <ol className="sc-questions">
            {section.questions.map((q, qi) => {
              const at = `sections.${si}.questions.${qi}`;
              return (
                <li key={q.id} className="sc-question">
                  <div className="sc-question__row">
                    <input
                      className="input sc-question__text"
                      placeholder="Question"
                      value={q.text}
                      maxLength={500}
                      aria-label={`Question ${qi + 1}`}
                      onChange={(e) => setQuestion(si, qi, { ...q, text: e.target.value })}
                    />
                    <select
                      className="select"
                      value={q.kind}
                      aria-label="Answer type"
                      onChange={(e) => {
                        const kind = e.target.value;
                        if (isQuestionKind(kind)) setQuestion(si, qi, changeKind(q, kind));
                      }}
                    >
                      {Object.entries(KIND_LABELS).map(([k, l]) => (
                        <option key={k} value={k}>
                          {l}
                        </option>
                      ))}
                    </select>
                    <label
                      className="sc-question__weight"
                      title="Weight: how much this question counts. 0 records the answer without scoring it."
                    >
                      <span className="subtle">Weight</span>
                      <input
                        className="input num"
                        type="number"
                        min={0}
                        max={100}
                        step={0.5}
                        value={q.weight}
                        onChange={(e) =>
                          setQuestion(si, qi, { ...q, weight: e.target.value === '' ? 0 : Number(e.target.value) })
                        }
                      />
                    </label>
                    <label className="sc-question__na">
                      <input
                        type="checkbox"
                        checked={q.allowNA}
                        onChange={(e) => setQuestion(si, qi, { ...q, allowNA: e.target.checked })}
                      />{' '}
                      N/A allowed
                    </label>
                    <button
                      type="button"
                      className="btn btn--sm btn--ghost"
                      onClick={() => setSection(si, { ...section, questions: move(section.questions, qi, -1) })}
                      disabled={qi === 0}
                      aria-label="Move question up"
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn btn--sm btn--ghost"
                      onClick={() => setSection(si, { ...section, questions: move(section.questions, qi, 1) })}
                      disabled={qi === section.questions.length - 1}
                      aria-label="Move question down"
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="btn btn--sm btn--ghost"
                      onClick={() =>
                        setSection(si, { ...section, questions: section.questions.filter((_, i) => i !== qi) })
                      }
                      aria-label="Remove question"
                    >
                      ✕
                    </button>
                  </div>
                  {q.kind === 'choice' && (
                    <div className="sc-options">
                      <span className="subtle">Options, best first (the first scores full marks, the last none):</span>
                      {q.options.map((o, oi) => (
                        <span key={oi} className="sc-option">
                          <input
                            className="input"
                            value={o}
                            maxLength={200}
                            placeholder={`Option ${oi + 1}`}
                            aria-label={`Option ${oi + 1}`}
                            onChange={(e) =>
                              setQuestion(si, qi, {
                                ...q,
                                options: q.options.map((x, i) => (i === oi ? e.target.value : x)),
                              })
                            }
                          />
                          <button
                            type="button"
                            className="btn btn--sm btn--ghost"
                            onClick={() => setQuestion(si, qi, { ...q, options: q.options.filter((_, i) => i !== oi) })}
                            aria-label={`Remove option ${oi + 1}`}
                          >
                            ✕
                          </button>
                        </span>
                      ))}
                      <button
                        type="button"
                        className="btn btn--sm"
                        onClick={() => setQuestion(si, qi, { ...q, options: [...q.options, ''] })}
                        disabled={q.options.length >= 20}
                      >
                        Add option
                      </button>
                    </div>
                  )}
                  <FieldProblems
                    messages={[
                      ...problemAt(`${at}.text`),
                      ...problemAt(`${at}.weight`),
                      ...problemAt(`${at}.options`),
                      ...problemAt(`${at}.id`),
                    ]}
                  />
                </li>
              );
            })}
          </ol>
          <button
            type="button"
            className="btn btn--sm"
            onClick={() => setSection(si, { ...section, questions: [...section.questions, newQuestion(newId())] })}
            disabled={section.questions.length >= 50}
          >
            Add question
          </button>
        </section>
      ))}
      <button
        type="button"
        className="btn"
        onClick={() => onChange({ ...draft, sections: [...draft.sections, newSection(newId(), newId())] })}
        disabled={draft.sections.length >= 20}
      >
        Add section
      </button>
    </div>
  );
}

function FieldProblems({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <span className="field__error" role="alert">
      {messages.join(' ')}
    </span>
  );
}
