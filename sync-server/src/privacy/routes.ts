import {
  eraseSubject as eraseSubjectRoute,
  exportSubject,
  type SubjectBody,
} from '../../../shared/contracts/subject-access';
import type { AppContext } from '../context';
import { subjectFromOptions } from '../erasure/cli';
import { eraseSubject, type ErasureSubject } from '../erasure/erase';
import { route, type RouteDef } from '../http/routes';
import { mediaDeps } from '../recordings/deps';
import { buildSubjectArchive } from './export';

const subjectOf = (b: SubjectBody): ErasureSubject =>
  subjectFromOptions({ phone: b.phone, assessor: b.assessorId, assessorPhone: b.assessorPhone, lead: b.leadId });

/** Admin routes for erasure of anyone on the line and for subject access exports. */
export function privacyRoutes(ctx: AppContext): RouteDef[] {
  return [
    route(eraseSubjectRoute, async ({ body, auth }) => {
      const subject = subjectOf(body);
      const report = await eraseSubject(mediaDeps(ctx), auth, subject, { dryRun: body.dryRun });
      return { report, kind: subject.kind };
    }),
    route(exportSubject, async ({ body, auth, res }) => {
      const archive = await buildSubjectArchive(mediaDeps(ctx), auth, subjectOf(body));
      res.status(200);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', `attachment; filename="${archive.fileName}"`);
      res.setHeader('Cache-Control', 'no-store');
      await archive.writeTo(res);
    }),
  ];
}
