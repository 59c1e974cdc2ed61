/**
 * The one shape of every staff action route (review, new DBS certificate, induction, insurance renewal): the
 * staff member from the JWT, the id from the path, the body parsed with the route's schema, one use case, and
 * the application's new stage as the answer.
 */
import type * as z from 'zod/v4/core';
import type { Application } from '../domain/application.ts';
import { httpHandler, json, type Parser, parseWith, pathParam, requireStaff } from './http.ts';

export const staffActionHandler = <S extends Parser>(
  schema: S,
  action: (id: string, input: z.output<S>, staffId: string) => Promise<Application>,
) =>
  httpHandler(
    async (event) => {
      const { staffId } = requireStaff(event);
      const app = await action(pathParam(event, 'id'), parseWith(schema, event.parsedBody), staffId);
      return json(200, { applicationId: app.id, stage: app.stage, updatedAt: app.updatedAt });
    },
    { body: true },
  );
