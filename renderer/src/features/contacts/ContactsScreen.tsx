import { useMemo } from 'react';
import { LEAD_GRADES, type LeadGrade } from '../../../../shared/schemas';
import { navigate, useSubPath } from '../../app/router';
import { AssessorTable } from './AssessorTable';
import { buildContactsView, facets, type ContactFilters } from './contacts-model';
import { PERIODS, isPeriod, useContactsUi } from './contacts-store';
import { GRADE_LABELS } from './QualityBadge';
import { LeadDetail } from './LeadDetail';
import { LeadList } from './LeadList';
import { useContactsData } from './use-contacts-data';
import './contacts.css';
import { SERVICE_LABELS } from '../../ui/labels';
import { DateRange } from '../../ui/DateRange';
import { dayAfter, dayStart, isoDay } from '../../ui/days';
import { EmptyState } from '../../ui/EmptyState';
import { Field } from '../../ui/Field';
import { FilterSelect } from '../../ui/FilterSelect';

/**
 * Contact attempts (admin; the brief's Phase 1 dashboard): every call and text between customers and
 * assessors through the platform numbers, per lead as a timeline and per assessor as performance figures
 * for a chosen period. Everything is computed on this device from replicated documents, so it updates the
 * moment a call ends and works offline with what was last synced.
 */
export default function ContactsScreen() {
  const sub = useSubPath('/contacts');
  const tab = sub[0] === 'assessors' ? 'assessors' : 'leads';
  const openLeadId = sub[0] === 'lead' ? (sub[1] ?? null) : null;
  const { filters, periodDays, leadSort, setFilters, setPeriod, resetFilters } = useContactsUi();
  const data = useContactsData(filters.from, filters.to);
  const assessorById = useMemo(() => new Map(data.assessors.map((a) => [a.id, a])), [data.assessors]);
  const choices = useMemo(() => facets(data.leads), [data.leads]);
  const view = useMemo(
    () => buildContactsView({ leads: data.leads, calls: data.calls, messages: data.messages }, filters, leadSort),
    [data.leads, data.calls, data.messages, filters, leadSort],
  );
  const openLead = openLeadId ? (data.leads.find((l) => l.id === openLeadId) ?? null) : null;
  const active = countActive(filters);

  return (
    <div className="ct-screen" data-testid="contacts-screen">
      <header className="ct-toolbar">
        <div className="ct-filters" role="group" aria-label="Filters">
          <Field label="Period" className="ct-filter">
            <select
              className="select"
              aria-label="Period"
              value={periodDays ?? ''}
              onChange={(e) => {
                const days = Number(e.target.value);
                if (e.target.value && isPeriod(days)) setPeriod(days);
              }}
            >
              {Object.entries(PERIODS).map(([d, label]) => (
                <option key={d} value={d}>
                  {label}
                </option>
              ))}
              {periodDays === null ? <option value="">Chosen dates</option> : null}
            </select>
          </Field>
          {/* The "To" date is inclusive on screen; the filter's `to` is the next midnight. A period always has
              both ends, so clearing one is ignored. */}
          <DateRange
            className="ct-filter ct-filter--date"
            bounded
            from={isoDay(filters.from)}
            to={isoDay(filters.to - 1)}
            onFromChange={(day) => day && setFilters({ from: dayStart(day) })}
            onToChange={(day) => day && setFilters({ to: dayAfter(day) })}
          />
          <FilterSelect
            className="ct-filter"
            label="District"
            value={filters.district}
            options={choices.districts.map((d) => [d, d])}
            onChange={(district) => setFilters({ district })}
          />
          <FilterSelect
            className="ct-filter"
            label="Service"
            value={filters.service}
            options={choices.services.map((s) => [s, SERVICE_LABELS[s]])}
            onChange={(service) => setFilters({ service })}
          />
          <FilterSelect
            className="ct-filter"
            label="Assessor"
            value={filters.assessorId}
            options={choices.assessorIds
              .map((id): [string, string] => [id, assessorById.get(id)?.name ?? 'Unknown assessor'])
              .sort((a, b) => a[1].localeCompare(b[1]))}
            onChange={(assessorId) => setFilters({ assessorId })}
          />
          <FilterSelect
            className="ct-filter"
            label="Lead quality"
            value={filters.grade}
            options={[
              ...LEAD_GRADES.map((g): [LeadGrade | 'ungraded', string] => [g, GRADE_LABELS[g]]),
              ['ungraded', 'Not graded'],
            ]}
            onChange={(grade) => setFilters({ grade })}
          />
          <Field label="Customer" className="ct-filter ct-filter--search">
            <input
              className="input"
              type="search"
              aria-label="Customer"
              placeholder="Name or lead id"
              value={filters.search}
              onChange={(e) => setFilters({ search: e.target.value })}
            />
          </Field>
        </div>
        <div className="ct-summary" data-testid="contacts-summary">
          <span>
            <strong className="num">{view.totals.leads}</strong> leads
          </span>
          <span>
            <strong className="num">{view.totals.calls}</strong> calls
          </span>
          <span>
            <strong className="num">{view.totals.texts}</strong> texts
          </span>
          <span>
            <strong className="num">{view.totals.connectedCalls}</strong> connected calls
          </span>
          <span className="ct-summary__grades" aria-label="Leads by quality">
            {LEAD_GRADES.map((g) => (
              <span key={g} className={`ct-grade-count ct-grade-count--${g}`}>
                {GRADE_LABELS[g]} <strong className="num">{view.totals.byGrade[g]}</strong>
              </span>
            ))}
          </span>
          <span className="spacer" />
          <button type="button" className="btn btn--sm btn--ghost ct-clear" onClick={resetFilters} disabled={!active}>
            Clear filters
          </button>
          {view.totals.sandbox ? (
            <span className="badge badge--sandbox" title="Made-up people, calls and texts from the Twilio sandbox">
              Includes sandbox data
            </span>
          ) : null}
        </div>
        <div className="tabs ct-tabs" role="tablist" aria-label="View">
          <button
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === 'leads'}
            onClick={() => navigate(openLeadId ? `/contacts/lead/${openLeadId}` : '/contacts')}
          >
            Leads <span className="badge">{view.leads.length}</span>
          </button>
          <button
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === 'assessors'}
            onClick={() => navigate('/contacts/assessors')}
          >
            Assessors <span className="badge">{view.assessors.length}</span>
          </button>
        </div>
      </header>
      {data.error ? (
        <div className="alert alert--error ct-alert" role="alert">
          The contact log on this device could not be read: {data.error.message}
        </div>
      ) : tab === 'assessors' ? (
        <div className="ct-body ct-body--table">
          <AssessorTable rows={view.assessors} assessors={assessorById} loading={data.loading} />
        </div>
      ) : (
        <div className="ct-body ct-body--split">
          <LeadList
            rows={view.leads}
            loading={data.loading}
            openLeadId={openLeadId}
            assessors={assessorById}
            totalLeads={data.leads.length}
          />
          <section className="ct-detail" aria-label="Lead">
            {openLead ? (
              <LeadDetail
                key={openLead.id}
                lead={openLead}
                calls={data.calls}
                messages={data.messages}
                attempts={view.attemptsByLead.get(openLead.id) ?? []}
                assessors={assessorById}
              />
            ) : (
              <EmptyState
                className="ct-detail__empty"
                title={openLeadId && !data.loading ? 'Lead not in this period' : 'Choose a lead'}
              >
                <p>
                  {openLeadId && !data.loading
                    ? 'This lead was created outside the chosen period, or is not on this device. Widen the period to see it.'
                    : 'Pick a lead on the left to see every call and text with its outcome, ring and talk time, and the lead’s quality with its evidence.'}
                </p>
              </EmptyState>
            )}
          </section>
        </div>
      )}
    </div>
  );
}

function countActive(f: ContactFilters): number {
  return [f.district, f.service, f.assessorId, f.grade, f.search.trim() || null].filter((v) => v !== null).length;
}
