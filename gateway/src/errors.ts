import type { StandardSchemaV1 } from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import { apiKeyOf, type Viewer } from './auth/viewer.ts';
import type { GatewayContext } from './context.ts';

/**
 * Expected errors: the client sent something we can explain. They reach clients with their
 * message and `extensions.code`; every other error is masked and logged (see yoga.ts).
 */
export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/**
 * What a field can say about a refusal its role alone does not explain, e.g. a reporter of
 * another agency or an integrator asking for another's device; undefined: the role is the reason.
 */
export type RefusalReason = (viewer: Viewer) => string | undefined;

/**
 * A refused field, with a code that says whether signing in would help and a message that says
 * what would: a READ key and the field's own `reason` come before blaming the role.
 */
export function refused(
  { viewer, request }: Pick<GatewayContext, 'viewer' | 'request'>,
  fieldName: string,
  options: { mutation?: boolean; reason?: RefusalReason } = {},
): GraphQLError {
  if (viewer === null) {
    // A caller who sent a key has signed in as far as they know: "sign in" would not tell them
    // that the key itself is what failed (resolveViewer leaves an unusable key anonymous).
    const message =
      apiKeyOf(request) !== undefined
        ? 'This API key is not known: it was revoked, mistyped, or its account was disabled; sign in and create a new key (createApiKey)'
        : 'Sign in first: this operation needs an account';
    return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
  const reason = options.reason?.(viewer);
  if (reason !== undefined) return forbidden(`${fieldName}: ${reason}`);
  if (options.mutation === true && !viewer.canWrite) {
    return forbidden(
      `${fieldName}: this API key is READ only: it runs no mutation, whatever its user's role`,
    );
  }
  return forbidden(`Your role may not use ${fieldName}`);
}

/**
 * What the validation plugin reports for an input that fails its schema: every issue as
 * `field: message`, named by the innermost field (the argument and input names add nothing).
 */
export function validationFailed(issues: readonly StandardSchemaV1.Issue[]): GraphQLError {
  const text = issues
    .map((issue) => {
      const last = issue.path?.at(-1);
      const field = typeof last === 'object' ? last.key : last;
      return field === undefined ? issue.message : `${String(field)}: ${issue.message}`;
    })
    .join('; ');
  return badUserInput(text);
}

/** A global id as the Relay plugin decodes it in arguments and input fields. */
export interface DecodedId<T = string> {
  typename: string;
  id: T;
}

/**
 * The database id inside a global id that must name a `typename` object. An id of another
 * type is the client's mistake, so it is answered with BAD_USER_INPUT rather than masked.
 */
export function idOf<T>(decoded: DecodedId<T>, typename: string): T {
  if (decoded.typename !== typename) {
    throw badUserInput(`Expected the id of a ${typename}, got the id of a ${decoded.typename}`);
  }
  return decoded.id;
}

/** Datastream ids are integers in the database; inside a global id they arrive as text. */
export function parseDatastreamId(id: string | number): number {
  const text = String(id);
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw badUserInput(
      `"${text}" is not a datastream id; use the id field of a Datastream (see { datastreams { edges { node { id } } } })`,
    );
  }
  return Number(text);
}

/** A signed-in caller asking for an object that is not theirs (e.g. another integrator's device). */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}
