import type PrismaTypes from '@bisa/db/generated/pothos-types.ts';
import { getDatamodel } from '@bisa/db/generated/pothos-types.ts';
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { z } from 'zod';
import { isIntegrator, looksAfterEveryDevice, ownsDevice } from './auth/device-access.ts';
import type { GatewayContext } from './context.ts';
import { badUserInput, refused, validationFailed } from './errors.ts';

const MAX_NODES = 100;

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  PrismaTypes: PrismaTypes;
  // Non-null unless a field says otherwise: clients should not null-check what is always there.
  DefaultFieldNullability: false;
  // Connections too: a page never holds a missing edge.
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
  };
  AuthScopes: {
    /** Any signed-in user or API key. */
    signedIn: boolean;
    /** Signed in with the right to change things (a session, or a WRITE key). */
    writer: boolean;
    /** Signed in through the dashboard (not an API key). */
    session: boolean;
    /** An administrator allowed to write. */
    admin: boolean;
    /** An operator (control room) or administrator allowed to write. */
    operator: boolean;
    /** An operator or administrator, reading (any of their sessions or keys). */
    monitor: boolean;
    /** An integrator, reading: sees the health and dead letters of the devices it owns. */
    integrator: boolean;
    /** A reporter of this agency allowed to write. */
    reporterFor: string;
    /** The integrator owning a device (its owner's user id) allowed to write. */
    deviceOwner: string;
  };
}>({
  // Relay first so that authScopes see decoded global ids; scope-auth before the plugins that
  // wrap resolvers, so a refused caller learns nothing from validation (Pothos plugin docs).
  // Errors after scope-auth: a refusal stays an error with a code, never a union member.
  plugins: [RelayPlugin, ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, PrismaPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    // `nodes` next to `edges`: most clients want the objects, not the cursors between them.
    nodesOnConnection: true,
    // Each id is loaded on its own; ids in variables escape the document's token limit.
    nodesQueryOptions: {
      description: `The objects with these ids, null where none; at most ${MAX_NODES} ids at once.`,
      validate: z.object({ ids: z.array(z.string()).max(MAX_NODES, `at most ${MAX_NODES} ids at once`) }),
    },
    // The default decoder's error carries no code; a malformed id is the client's mistake.
    decodeGlobalID: (globalID) => {
      try {
        return decodeGlobalID(globalID);
      } catch {
        throw badUserInput(
          `"${globalID}" is not an id of this API; use the id field of the object, e.g. { things { edges { node { id } } } }`,
        );
      }
    },
  },
  // Only the classes a field lists become part of its result union (outcomes a client branches
  // on, e.g. DeviceDisabledError); every other error stays an error.
  errors: { defaultTypes: [] },
  validation: {
    validationError: (failure) => validationFailed(failure.issues),
  },
  scopeAuth: {
    // Queries answer a refusal as mutations do (audit.ts), minus the audit row: reading changes nothing.
    unauthorizedError: (_parent, context, info) => refused(context, info.fieldName),
    authScopes: (context) => {
      const viewer = context.viewer;
      return {
        signedIn: viewer !== null,
        writer: viewer?.canWrite === true,
        session: viewer?.via === 'session',
        admin: viewer?.role === 'ADMIN' && viewer.canWrite,
        operator: (viewer?.role === 'OPERATOR' || viewer?.role === 'ADMIN') && viewer.canWrite,
        monitor: looksAfterEveryDevice(viewer),
        integrator: isIntegrator(viewer),
        reporterFor: (agencyId) =>
          viewer?.role === 'REPORTER' && viewer.canWrite && viewer.agencyId === agencyId,
        deviceOwner: (ownerUserId) => viewer?.canWrite === true && ownsDevice(viewer, ownerUserId),
      };
    },
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    // Prisma errors carry table and column names; they stay masked like any unexpected error.
    exposeDescriptions: false,
    defaultConnectionSize: 20,
    maxConnectionSize: 100,
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
