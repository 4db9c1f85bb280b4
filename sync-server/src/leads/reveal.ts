import { revealPhone } from '../../../shared/contracts/leads';
import { maskPhone } from '../../../shared/phone';
import type { LeadDoc } from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { route, type RouteDef } from '../http/routes';
import { getDocument } from '../replication/store';

/**
 * Revealing a customer's real phone number to an admin, on purpose and on the record.
 *
 * The Contact attempts screen shows numbers masked (`07700 900***`): an admin watching contact attempts does
 * not need them (docs/PRODUCT.md: "staff see only what their role needs"). When one does (a suspect lead whose
 * number may be invalid, a complaint), they reveal that lead's number here: the answer comes from the server
 * and every reveal is in the audit trail (who, which lead, when), so a reveal without a trace is impossible
 * from the app. Leads that were erased have no number left to reveal.
 */
export function revealRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(revealPhone, async ({ ctx, auth, req, params: { id } }) => {
      const lead = await getDocument(ctx.db, 'leads', id);
      if (!lead) throw new ApiError('NOT_FOUND', `no lead ${id}`, 'id');
      const phone = realPhone(lead);
      if (!phone) throw new ApiError('NOT_FOUND', `lead ${id} has no phone number on record (erased)`, 'id');
      await audit(ctx.db, auth, {
        action: 'lead.phone_reveal',
        subjectType: 'lead',
        subjectId: lead.id,
        detail: { masked: maskPhone(phone) },
        ip: req.ip ?? null,
      });
      return { leadId: lead.id, customerPhone: phone, customerPhoneMasked: maskPhone(phone) };
    }),
  ];
}

function realPhone(lead: LeadDoc): string | null {
  const phone = lead.customerPhone;
  // Erasure replaces the number with a marker that is not a phone number.
  return phone && /^\+[1-9]\d{6,14}$/.test(phone) ? phone : null;
}
