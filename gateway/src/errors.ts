import { GraphQLError } from 'graphql';

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

/** Datastream ids are integers in the database but opaque strings in the API. */
export function parseDatastreamId(id: string | number): number {
  const text = String(id);
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw badUserInput(
      `"${text}" is not a datastream id; ids look like "12" (see { things { datastreams { id } } })`,
    );
  }
  return Number(text);
}
