import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TokenKind,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Limits every request must respect before it is executed, so that one crafted query cannot
 * occupy the gateway or the database: the control room's dashboard needs nothing near them.
 */
export interface QueryLimits {
  /** Nesting of selection sets, fragments expanded. */
  maxDepth: number;
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Lexical tokens in one document (counted before the document is parsed). */
  maxTokens: number;
  /** Field selections in one operation, fragments expanded: the cost of the query. */
  maxFields: number;
  /** Request body in bytes (Yoga's own limit, which also counts chunked bodies). */
  maxBodyBytes: number;
  /** How long a query or mutation may execute; subscriptions are long-lived and exempt. */
  executionTimeoutMs: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5000,
  maxFields: 2000,
  maxBodyBytes: 1024 * 1024,
  executionTimeoutMs: 10_000,
};

/**
 * A refusal before execution: HTTP 400 and a code clients can rely on. `spec: false` keeps the
 * 400 for `application/json` clients too; Yoga would otherwise answer 200 there, as the
 * GraphQL-over-HTTP spec allows for ordinary validation errors.
 */
function refused(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400, spec: false } } });
}

interface Measure {
  depth: number;
  fields: number;
  aliases: number;
}

/** Depth, field count and aliases of an operation with its fragments expanded. */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): Measure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measure: Measure = { depth: 0, fields: 0, aliases: 0 };
  const visit = (selectionSet: SelectionSetNode, depth: number, path: ReadonlySet<string>) => {
    measure.depth = Math.max(measure.depth, depth);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        measure.fields += 1;
        if (selection.alias) measure.aliases += 1;
        if (selection.selectionSet) visit(selection.selectionSet, depth + 1, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, depth, path);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment cycle is reported by graphql's own validation; here it only must not loop.
        if (fragment && !path.has(name)) visit(fragment.selectionSet, depth, new Set([...path, name]));
      }
    }
  };
  visit(operation.selectionSet, 1, new Set());
  return measure;
}

function limitsRule(limits: QueryLimits): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const measure = measureOperation(context.getDocument(), operation);
      if (measure.depth > limits.maxDepth) {
        context.reportError(
          refused(
            'QUERY_TOO_DEEP',
            `The query is ${measure.depth} levels deep; at most ${limits.maxDepth} are allowed`,
          ),
        );
      }
      if (measure.aliases > limits.maxAliases) {
        context.reportError(
          refused(
            'TOO_MANY_ALIASES',
            `The query uses ${measure.aliases} aliases; at most ${limits.maxAliases} are allowed`,
          ),
        );
      }
      if (measure.fields > limits.maxFields) {
        context.reportError(
          refused(
            'QUERY_TOO_COSTLY',
            `The query selects ${measure.fields} fields (fragments expanded); at most ${limits.maxFields} are allowed. Split it into smaller queries`,
          ),
        );
      }
    },
  });
}

/** Whether `query` has more than `max` lexical tokens; a syntax error is left to the parser to report. */
function exceedsTokens(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 1; lexer.advance().kind !== TokenKind.EOF; count++) {
      if (count > max) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/** Yoga plugin enforcing the query limits on every request (the body size is Yoga's `maxRequestBodySize`). */
export function useQueryLimits(limits: QueryLimits = DEFAULT_LIMITS): Plugin {
  const rule = limitsRule(limits);
  return {
    // Counted on the raw text, before Yoga parses it: a result set here is answered with its
    // HTTP status, unlike an error thrown from inside the parser.
    onParams({ params, setResult }) {
      if (typeof params.query === 'string' && exceedsTokens(params.query, limits.maxTokens)) {
        setResult({
          errors: [refused('TOO_MANY_TOKENS', `The query has more than ${limits.maxTokens} tokens`)],
        });
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}

/**
 * Ends a query or mutation that runs longer than the limit with EXECUTION_TIMEOUT, so a slow
 * database or a costly evaluation cannot hold the request (and the client) indefinitely. The
 * executor stops resolving further fields once the signal aborts; a database query already sent
 * finishes on its own.
 */
export function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ args }) {
      const controller = new AbortController();
      const timer = setTimeout(
        () =>
          controller.abort(
            new GraphQLError(
              `The operation took longer than ${timeoutMs} ms and was stopped; ask for less data (a shorter range, a larger bucket) or try again later`,
              { extensions: { code: 'EXECUTION_TIMEOUT' } },
            ),
          ),
        timeoutMs,
      );
      // A client that goes away stops the execution too. Served through node:http the request's
      // signal is a ponyfill that AbortSignal.any() refuses, hence the listener.
      const clientSignal = (args.contextValue as { request?: Request }).request?.signal;
      const onClientGone = () => controller.abort(clientSignal?.reason);
      clientSignal?.addEventListener('abort', onClientGone, { once: true });
      // The executor Yoga uses (graphql-tools) honours `signal`, as Yoga's own cancellation plugin relies on.
      Object.assign(args, { signal: controller.signal });
      return {
        onExecuteDone: () => {
          clearTimeout(timer);
          clientSignal?.removeEventListener('abort', onClientGone);
        },
      };
    },
  };
}
