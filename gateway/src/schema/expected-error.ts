import { builder } from '../builder.ts';

/**
 * What every error type in a result union shares (the errors plugin puts them there): an
 * outcome a client branches on, as opposed to an error with a code in `errors`.
 */
export const ExpectedError = builder.interfaceRef<Error>('ExpectedError').implement({
  description: 'An expected outcome of a mutation that changed nothing, with a message for people.',
  fields: (t) => ({
    message: t.exposeString('message'),
  }),
});
