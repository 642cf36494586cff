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
  /** Request body in bytes, chunked bodies included (useRequestBodyLimit). */
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
  // Every token is at least one character long, so a text this short cannot exceed the limit and
  // is not lexed here: the parser (behind Yoga's cache) reads it once, not twice per request.
  if (query.length <= max) return false;
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

/** Yoga plugin enforcing the query limits on every request (the body size is useRequestBodyLimit's). */
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

function bodyTooLarge(maxBytes: number): GraphQLError {
  return new GraphQLError(`The request body is larger than ${maxBytes} bytes`, {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } },
  });
}

const CONTENT_LENGTH = /^\d+$/;

/**
 * Refuses a request body over `maxBytes` with 413 before it is parsed. Yoga's own
 * `maxRequestBodySize` pipes every body through a counting TransformStream into a new Request;
 * without it the gateway's CPU per small query fell by a fifth to a third (docs/benchmarks.md).
 * Here a body that declares its length is judged by the header alone: Node's HTTP parser hands on
 * exactly the declared bytes, and refuses a request that declares a length and chunked encoding
 * both (hardening.int.test.ts holds it to that). Only a body without a length (chunked) is
 * counted, as it is read, and refused at the first byte over the limit.
 */
export function useRequestBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) {
          throw new GraphQLError('The Content-Length header is not a number of bytes', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        if (Number(declared) > maxBytes) throw bodyTooLarge(maxBytes);
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser(async (unlimited) =>
        requestParser(
          new fetchAPI.Request(unlimited.url, {
            method: unlimited.method,
            headers: unlimited.headers,
            body: await readAtMost(unlimited, maxBytes),
          }),
        ),
      );
    },
  };
}

/** The body as text (JSON and GraphQL bodies are UTF-8), read up to `maxBytes`. */
async function readAtMost(request: Request, maxBytes: number): Promise<string> {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    length += value.byteLength;
    if (length > maxBytes) {
      void reader.cancel();
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
}

/**
 * Ends a query or mutation that runs longer than the limit with EXECUTION_TIMEOUT, so a slow
 * database or a costly evaluation cannot hold the request (and the client) indefinitely. The
 * executor stops resolving further fields once the signal aborts; a database query already sent
 * finishes on its own.
 */
export function useExecutionTimeout(timeoutMs: number): Plugin {
  const deadlines = new Deadlines(timeoutMs);
  return {
    onExecute({ args }) {
      const controller = new AbortController();
      const deadline = deadlines.add(() =>
        controller.abort(
          new GraphQLError(
            `The operation took longer than ${timeoutMs} ms and was stopped; ask for less data (a shorter range, a larger bucket) or try again later`,
            { extensions: { code: 'EXECUTION_TIMEOUT' } },
          ),
        ),
      );
      const stopClientWatch = watchClientGone(args.contextValue, (reason) => controller.abort(reason));
      // The executor Yoga uses (graphql-tools) honours `signal`, as Yoga's own cancellation plugin relies on.
      Object.assign(args, { signal: controller.signal });
      return {
        onExecuteDone: () => {
          deadlines.done(deadline);
          stopClientWatch();
        },
      };
    },
  };
}

/** What Yoga puts in the context beside ours: the fetch request, and under node:http the response. */
interface ServedContext {
  request?: Request;
  res?: {
    once(event: 'close', listener: () => void): unknown;
    off(event: 'close', listener: () => void): unknown;
  };
}

/**
 * Calls `onGone` when the client goes away before the execution ends, so its work stops too;
 * returns the function that stops watching. Served through node:http the response's `close`
 * says so (the Node adapter aborts the request's signal from that same event); listening on the
 * request's signal there costs more, as it is a `Proxy` that stringifies every property key (2 %
 * of the gateway's CPU per request, docs/benchmarks.md). Through `yoga.fetch` the signal it is.
 */
export function watchClientGone(context: unknown, onGone: (reason: unknown) => void): () => void {
  const { request, res } = context as ServedContext;
  if (res) {
    const onClose = () => onGone(new DOMException('The client closed the connection', 'AbortError'));
    res.once('close', onClose);
    return () => res.off('close', onClose);
  }
  const signal = request?.signal;
  if (!signal) return () => {};
  const onAbort = () => onGone(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** One running execution's place in `Deadlines`. */
interface Deadline {
  at: number;
  onExpire: (() => void) | null;
  next: Deadline | null;
}

/**
 * The deadlines of running executions, with one timer for all of them instead of a timer per
 * execution. Every execution gets the same time, so the deadlines fall in the order the
 * executions started: a queue in that order, and one timer for the oldest that has not ended.
 * An execution that ends only forgets its callback; the queue drops ended executions from its
 * head as they end there (executions mostly end in the order they start, so it stays short), and
 * the timer, when it fires, expires the overdue ones and waits for the next.
 */
export class Deadlines {
  readonly #timeoutMs: number;
  #head: Deadline | null = null;
  #tail: Deadline | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Calls `onExpire` once `timeoutMs` have passed, unless `done` is called first. */
  add(onExpire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + this.#timeoutMs, onExpire, next: null };
    if (this.#tail) this.#tail.next = deadline;
    else this.#head = deadline;
    this.#tail = deadline;
    this.#timer ??= this.#arm(this.#timeoutMs);
    return deadline;
  }

  done(deadline: Deadline): void {
    deadline.onExpire = null;
    this.#dropEnded();
  }

  #dropEnded() {
    while (this.#head && this.#head.onExpire === null) this.#head = this.#head.next;
    if (!this.#head) this.#tail = null;
  }

  #arm(ms: number): NodeJS.Timeout {
    // Unreferenced: the requests being executed keep the process running, not their deadlines.
    return setTimeout(this.#expire, Math.max(0, Math.ceil(ms))).unref();
  }

  readonly #expire = () => {
    this.#timer = undefined;
    const now = performance.now();
    for (let head = this.#head; head && head.at <= now; head = this.#head) {
      const onExpire = head.onExpire;
      head.onExpire = null;
      this.#head = head.next;
      onExpire?.();
    }
    this.#dropEnded();
    if (this.#head) this.#timer = this.#arm(this.#head.at - now);
  };
}
