import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { create } from 'zustand';
import { leadOutcomesFrom } from '../../../../shared/pricing/what-if';
import { SERVICES, type Service, type Tier } from '../../../../shared/schemas';
import { PageHeader } from '../../app/PageHeader';
import { patchDoc, useDatabase, useQuery } from '../../db/hooks';
import { useSessionStore } from '../../state/session';
import { formatDate, formatPence, percent } from '../../ui/format';
import { SERVICE_LABELS } from '../../ui/labels';
import {
  WHAT_IF_DAYS,
  areaRows,
  priceAt,
  checkDraft,
  dateValue,
  whatIf,
  type AreaRow,
  type OverrideDraft,
} from './pricing-model';
import './pricing.css';

/**
 * Area pricing for admins (shared/pricing/SPEC.md): every district × service with its rates, the rule's price,
 * the override and the trend; an override is set or ended here, also offline (written to this device's area
 * document and pushed when the server is reachable; the server audits it under the admin's name).
 */
const usePricingUi = create<{ service: Service | 'all'; editing: { id: string; mode: 'set' | 'end' } | null }>(() => ({
  service: 'all',
  editing: null,
}));

export default function PricingScreen() {
  const { service, editing } = usePricingUi();
  const areas = useQuery('areas', {});
  const leads = useQuery('leads', {});
  const calls = useQuery('calls', {});
  const reviews = useQuery('reviews', { selector: { status: 'submitted', outcome: 'booked' } });
  const assessors = useQuery('assessors', {});
  // The what-if's clock: the last 30 days up to when the screen opened.
  const [now] = useState(() => Date.now());
  const outcomes = useMemo(
    () => leadOutcomesFrom(leads.docs, calls.docs, reviews.docs),
    [leads.docs, calls.docs, reviews.docs],
  );
  const trended = useMemo(() => areaRows(areas.docs, outcomes, now), [areas.docs, outcomes, now]);
  // Whether an override applies is read against the clock at every render (one just saved from today applies at
  // once) and at least once a minute (one that runs out stops applying on screen too, with no write).
  const [, setMinute] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setMinute((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const clock = Date.now();
  const rows = trended.map((r) => ({ ...r, ...priceAt(r, clock) }));
  const tiers = useMemo(
    () => new Map<string, Tier | null>(assessors.docs.map((a) => [a.id, a.tier])),
    [assessors.docs],
  );
  const shown = rows.filter((r) => service === 'all' || r.service === service);
  const loading = areas.loading || leads.loading;

  return (
    <div className="page pricing-page" data-testid="pricing-screen">
      <PageHeader
        description="The price of a lead per district and service: the rule's price from the district's call rate and conversion, and any override you set with a reason and dates."
        actions={
          <label className="row pricing-filter">
            <span className="field__label">Service</span>
            <select
              className="select"
              value={service}
              onChange={(e) => usePricingUi.setState({ service: SERVICES.find((s) => s === e.target.value) ?? 'all' })}
            >
              <option value="all">All services</option>
              {SERVICES.map((s) => (
                <option key={s} value={s}>
                  {SERVICE_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
        }
      />
      <p className="pricing-help subtle" data-testid="pricing-help">
        Rates and the rule price are the server’s, over its pricing window. The trend (the rule price each of the last
        three 30-day periods would give on its own) and the what-if are worked out on this device, with the same rules,
        from the last 90 days of leads, calls and reviews it holds and each assessor’s tier now: the what-if prices
        every assignment of the last {WHAT_IF_DAYS} days’ leads at the price that applies now and at yours. Overrides
        save on this device first and reach the server when it can be reached; one that runs out stops applying by
        itself.
      </p>
      {loading ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <div className="empty-state">
          <span className="empty-state__title">No priced districts yet</span>
          <p>Districts appear here once they have leads or an override.</p>
        </div>
      ) : (
        <div className="card pricing-card">
          <table className="table pricing-table" data-testid="pricing-table">
            <thead>
              <tr>
                <th>District</th>
                <th>Rates</th>
                <th className="num">Rule price</th>
                <th>Trend</th>
                <th>Override</th>
                <th className="num">Price now</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <AreaTableRow
                  key={r.id}
                  row={r}
                  editing={editing?.id === r.id ? editing.mode : null}
                  leads={leads.docs}
                  tiers={tiers}
                  now={now}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function AreaTableRow({
  row,
  editing,
  leads,
  tiers,
  now,
}: {
  row: AreaRow;
  editing: 'set' | 'end' | null;
  leads: Parameters<typeof whatIf>[2];
  tiers: ReadonlyMap<string, Tier | null>;
  now: number;
}) {
  const o = row.override;
  const trendLabel = row.trend.map((p) => `${formatPence(p.pricePence)} from ${p.leads} leads`).join(', then ');
  return (
    <>
      <tr data-testid={`area-${row.id}`} data-override={row.overrideStatus ?? 'none'}>
        <td>
          <span className="stack pricing-district">
            <span>
              <strong>{row.district}</strong> {SERVICE_LABELS[row.service]}
            </span>
            <span className="subtle">{row.leads} leads</span>
          </span>
        </td>
        <td>
          <span className="stack pricing-rates">
            <span>
              <span className="subtle">call rate</span> {percent(row.callRate)}
            </span>
            <span>
              <span className="subtle">conversion</span> {percent(row.conversionRate)}
            </span>
          </span>
        </td>
        <td className="num">{formatPence(row.rulePricePence)}</td>
        <td>
          <span className="pricing-trend" aria-label={`Trend, oldest first: ${trendLabel}`} title={trendLabel}>
            {row.trend.map((p, i) => (
              <span key={p.to} className={p.method === 'base' ? 'subtle' : undefined}>
                {i > 0 ? <span aria-hidden="true"> → </span> : null}
                {formatPence(p.pricePence)}
              </span>
            ))}
          </span>
        </td>
        <td>
          {o ? (
            <span className="stack pricing-override">
              <span className="row">
                <strong>{formatPence(o.pricePence)}</strong>
                <span
                  className={`badge ${row.overrideStatus === 'active' ? 'badge--info' : row.overrideStatus === 'scheduled' ? 'badge--warn' : ''}`}
                >
                  {row.overrideStatus === 'active'
                    ? 'Applies'
                    : row.overrideStatus === 'scheduled'
                      ? 'Scheduled'
                      : 'Ended'}
                </span>
              </span>
              <span className="subtle">
                {formatDate(o.validFrom)} – {o.validTo === null ? 'until ended' : formatDate(o.validTo - 1)}
              </span>
              <span className="subtle pricing-reason">“{o.reason}”</span>
            </span>
          ) : (
            <span className="subtle">None</span>
          )}
        </td>
        <td className="num">
          <strong>{formatPence(row.pricePence)}</strong>
        </td>
        <td>
          {editing ? null : (
            <span className="row pricing-actions">
              <button
                type="button"
                className="btn btn--sm"
                onClick={() => usePricingUi.setState({ editing: { id: row.id, mode: 'set' } })}
              >
                Override…
              </button>
              {o && row.overrideStatus !== 'ended' ? (
                <button
                  type="button"
                  className="btn btn--sm btn--ghost"
                  onClick={() => usePricingUi.setState({ editing: { id: row.id, mode: 'end' } })}
                >
                  {row.overrideStatus === 'scheduled' ? 'Cancel' : 'End now'}
                </button>
              ) : null}
            </span>
          )}
        </td>
      </tr>
      {editing === 'set' ? (
        <tr className="table__form-row">
          <td colSpan={7}>
            <OverrideForm row={row} leads={leads} tiers={tiers} now={now} />
          </td>
        </tr>
      ) : null}
      {editing === 'end' && o ? (
        <tr className="table__form-row">
          <td colSpan={7}>
            <EndOverride row={row} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function OverrideForm({
  row,
  leads,
  tiers,
  now,
}: {
  row: AreaRow;
  leads: Parameters<typeof whatIf>[2];
  tiers: ReadonlyMap<string, Tier | null>;
  now: number;
}) {
  const db = useDatabase();
  const me = useSessionStore((s) => s.session?.user.id ?? '');
  const [draft, setDraft] = useState<OverrideDraft>({
    price: (row.pricePence / 100).toFixed(row.pricePence % 100 ? 2 : 0),
    reason: '',
    from: dateValue(now),
    until: '',
  });
  const [error, setError] = useState<{ field: keyof OverrideDraft | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const price = Number(draft.price.replace(/^£/, ''));
  const effect =
    Number.isFinite(price) && price >= 0 && draft.price.trim()
      ? whatIf(row, Math.round(price * 100), leads, tiers, now)
      : null;
  const id = (f: string) => `override-${f}-${row.id}`;
  const set = (f: keyof OverrideDraft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [f]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const c = checkDraft(draft, Date.now());
    if (!c.ok) {
      setError({ field: c.field, message: c.message });
      return;
    }
    setBusy(true);
    try {
      await patchDoc(db, 'areas', row.id, {
        override: {
          pricePence: c.pricePence,
          reason: draft.reason.trim(),
          validFrom: c.validFrom,
          validTo: c.validTo,
          by: me,
        },
      });
      usePricingUi.setState({ editing: null });
    } catch (err) {
      setError({ field: null, message: err instanceof Error ? err.message : String(err) });
      setBusy(false);
    }
  }

  const invalid = (f: keyof OverrideDraft) => (error?.field === f ? true : undefined);
  return (
    <form
      className="pricing-form"
      onSubmit={(e) => void submit(e)}
      aria-label={`Override the price of ${row.district} ${SERVICE_LABELS[row.service]}`}
      data-testid="override-form"
    >
      <div className="pricing-form__fields">
        <div className="field pricing-form__price">
          <label className="field__label" htmlFor={id('price')}>
            Price per lead (£)
          </label>
          <input
            id={id('price')}
            className="input"
            inputMode="decimal"
            value={draft.price}
            aria-invalid={invalid('price')}
            onChange={set('price')}
            autoFocus
          />
        </div>
        <div className="field pricing-form__reason">
          <label className="field__label" htmlFor={id('reason')}>
            Reason (required)
          </label>
          <input
            id={id('reason')}
            className="input"
            value={draft.reason}
            maxLength={500}
            aria-invalid={invalid('reason')}
            onChange={set('reason')}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={id('from')}>
            First day
          </label>
          <input
            id={id('from')}
            type="date"
            className="input"
            value={draft.from}
            aria-invalid={invalid('from')}
            onChange={set('from')}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={id('until')}>
            Last day (empty: until ended)
          </label>
          <input
            id={id('until')}
            type="date"
            className="input"
            value={draft.until}
            aria-invalid={invalid('until')}
            onChange={set('until')}
          />
        </div>
      </div>
      <p className="pricing-whatif" data-testid="what-if" aria-live="polite">
        {effect === null ? (
          'Give a price to see what it would have done.'
        ) : effect.assignments === 0 ? (
          `No ${SERVICE_LABELS[row.service]} leads in ${row.district} in the last ${WHAT_IF_DAYS} days: this price would not have changed last month’s revenue.`
        ) : (
          <>
            At {formatPence(Math.round(price * 100))} instead of {formatPence(row.pricePence)}, last month’s{' '}
            {effect.leads} leads ({effect.assignments} assignments) would have brought{' '}
            <strong>{formatPence(effect.proposedRevenuePence)}</strong> instead of{' '}
            {formatPence(effect.currentRevenuePence)}:{' '}
            <strong data-testid="what-if-delta">
              {effect.deltaPence >= 0 ? '+' : '−'}
              {formatPence(Math.abs(effect.deltaPence))}
            </strong>
            .
          </>
        )}
      </p>
      {error ? (
        <p className="field__error" role="alert">
          {error.message}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          Save override
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => usePricingUi.setState({ editing: null })}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * Ends an override now (PR7): pushed back with an earlier end, signed by this admin, so the server revokes it
 * under their name — an applying one from now, a scheduled one before it ever applies.
 */
function EndOverride({ row }: { row: AreaRow }) {
  const db = useDatabase();
  const me = useSessionStore((s) => s.session?.user.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const o = row.override!;
  const scheduled = row.overrideStatus === 'scheduled';

  async function confirm() {
    setBusy(true);
    try {
      await patchDoc(db, 'areas', row.id, {
        // Signed by this admin either way, so the server records who ended it; a scheduled one ends just after its
        // start, which the server reads as withdrawn before it began (PR7).
        override: { ...o, validTo: scheduled ? o.validFrom + 1 : Math.max(Date.now(), o.validFrom + 1), by: me },
      });
      usePricingUi.setState({ editing: null });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <div className="decision-form" role="group" aria-label={`End the override of ${row.district}`}>
      <p className="pricing-end">
        {scheduled
          ? `Withdraw the ${formatPence(o.pricePence)} override that would start on ${formatDate(o.validFrom)}?`
          : `End the ${formatPence(o.pricePence)} override now? ${row.district} goes back to the rule price, ${formatPence(row.rulePricePence)}.`}
      </p>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="btn btn--danger" disabled={busy} onClick={() => void confirm()}>
        {scheduled ? 'Withdraw it' : 'End it now'}
      </button>
      <button type="button" className="btn" disabled={busy} onClick={() => usePricingUi.setState({ editing: null })}>
        Keep it
      </button>
    </div>
  );
}
